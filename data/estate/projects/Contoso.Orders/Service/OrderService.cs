using System.Collections.Generic;
using System.Configuration;
using System.Data.SqlClient;
using System.ServiceModel;
using Contoso.Orders.Contracts;

namespace Contoso.Orders.Service
{
    [ServiceBehavior(InstanceContextMode = InstanceContextMode.PerCall)]
    public class OrderService : IOrderService
    {
        private static readonly string OrdersDb =
            ConfigurationManager.ConnectionStrings["Orders"].ConnectionString;

        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public int PlaceOrder(OrderRequest request)
        {
            using (var connection = new SqlConnection(OrdersDb))
            using (var command = new SqlCommand("dbo.PlaceOrder", connection))
            {
                command.CommandType = System.Data.CommandType.StoredProcedure;
                command.Parameters.AddWithValue("@customerId", request.CustomerId);
                connection.Open();
                return (int)command.ExecuteScalar();
            }
        }

        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public OrderSummary GetOrder(int orderId)
        {
            using (var connection = new SqlConnection(OrdersDb))
            {
                connection.Open();
                return OrderReader.Read(connection, orderId);
            }
        }

        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public int CheckStock(string sku)
        {
            var factory = new ChannelFactory<Contoso.Legacy.IInventoryService>("inventory");
            var inventory = factory.CreateChannel();
            try
            {
                return inventory.GetQuantityOnHand(sku);
            }
            finally
            {
                ((IClientChannel)inventory).Abort();
            }
        }

        // Allowed, and impersonateCallerForAllOperations is off: runs as svc_app.
        [OperationBehavior(Impersonation = ImpersonationOption.Allowed)]
        public IList<PriceEntry> GetPriceList() => PriceCache.Current;

        public void Ping() { }
    }
}
