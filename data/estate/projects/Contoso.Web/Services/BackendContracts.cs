using System.Collections.Generic;
using System.ServiceModel;
using Contoso.Orders.Contracts;

namespace Contoso.Orders.Contracts
{
    // Client copies of the order service's contract (svcutil output, trimmed).
    [ServiceContract(Namespace = "urn:contoso:orders:2019")]
    public interface IOrderService
    {
        [OperationContract]
        int PlaceOrder(OrderRequest request);
    }

    public class OrderRequest
    {
        public string CustomerId { get; set; }
        public List<OrderLine> Lines { get; set; }
    }

    public class OrderLine
    {
        public string Sku { get; set; }
        public int Quantity { get; set; }
    }
}

namespace Contoso.Reports
{
    [ServiceContract(Namespace = "urn:contoso:reports")]
    public interface IReportService
    {
        [OperationContract]
        byte[] RenderStatement(int year, int month);
    }
}

namespace Contoso.Web
{
    internal static class Backends
    {
        public static ChannelFactory<IOrderService> Orders { get; private set; }
        public static ChannelFactory<Contoso.Reports.IReportService> Reports { get; private set; }

        public static void Warm()
        {
            Orders = new ChannelFactory<IOrderService>("orders");
            Reports = new ChannelFactory<Contoso.Reports.IReportService>("reports");
        }
    }

    internal static class HelpTopics
    {
        public static string Lookup(string topic) => "See the intranet help pages for " + topic + ".";
    }
}
