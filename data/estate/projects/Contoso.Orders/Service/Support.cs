using System;
using System.Collections.Generic;
using System.Data.SqlClient;
using System.ServiceModel;
using Contoso.Orders.Contracts;

namespace Contoso.Legacy
{
    // The client side of the inventory service's contract (generated with svcutil, trimmed).
    [ServiceContract(Namespace = "http://contoso.local/inventory/2011")]
    public interface IInventoryService
    {
        [OperationContract]
        int GetQuantityOnHand(string sku);
    }
}

namespace Contoso.Orders.Service
{
    internal static class OrderReader
    {
        public static OrderSummary Read(SqlConnection connection, int orderId)
        {
            using (var command = new SqlCommand(
                "SELECT OrderId, Status, PlacedAt FROM dbo.Orders WHERE OrderId = @id", connection))
            {
                command.Parameters.AddWithValue("@id", orderId);
                using (var reader = command.ExecuteReader())
                {
                    if (!reader.Read()) throw new FaultException("no such order");
                    return new OrderSummary
                    {
                        OrderId = reader.GetInt32(0),
                        Status = reader.GetString(1),
                        PlacedAt = reader.GetDateTime(2)
                    };
                }
            }
        }
    }

    internal static class PriceCache
    {
        public static IList<PriceEntry> Current { get; } = new List<PriceEntry>();
    }
}
