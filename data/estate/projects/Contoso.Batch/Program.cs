using System;
using System.IO;
using System.Linq;
using System.ServiceModel;
using Contoso.Orders.Contracts;

namespace Contoso.Batch
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            var file = args.Length > 0 ? args[0]
                : System.Configuration.ConfigurationManager.AppSettings["StandingOrdersFile"];
            var factory = new ChannelFactory<IOrderService>("orders");
            var orders = factory.CreateChannel();
            var placed = 0;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(',');
                var request = new OrderRequest
                {
                    CustomerId = fields[0],
                    Lines = new[] { new OrderLine { Sku = fields[1], Quantity = int.Parse(fields[2]) } }
                };
                Console.WriteLine("order {0} for {1}", orders.PlaceOrder(request), fields[0]);
                placed++;
            }
            ((IClientChannel)orders).Close();
            return placed > 0 ? 0 : 1;
        }
    }
}

namespace Contoso.Orders.Contracts
{
    [ServiceContract(Namespace = "urn:contoso:orders:2019")]
    public interface IOrderService
    {
        [OperationContract]
        int PlaceOrder(OrderRequest request);
    }

    public class OrderRequest
    {
        public string CustomerId { get; set; }
        public OrderLine[] Lines { get; set; }
    }

    public class OrderLine
    {
        public string Sku { get; set; }
        public int Quantity { get; set; }
    }
}
