using System;
using System.Collections.Generic;
using System.Runtime.Serialization;
using System.ServiceModel;

namespace Contoso.Orders.Contracts
{
    [ServiceContract(Namespace = "urn:contoso:orders:2019")]
    public interface IOrderService
    {
        // Inserts the order into the Orders database with the caller's identity (row-level
        // security on dbo.Orders keys on SUSER_SNAME()).
        [OperationContract]
        int PlaceOrder(OrderRequest request);

        // Reads one order, again as the caller.
        [OperationContract]
        OrderSummary GetOrder(int orderId);

        // Asks the inventory service on legacy01 how many items are in stock, as the caller.
        [OperationContract]
        int CheckStock(string sku);

        // A cached price list: the same for everyone, runs as the service.
        [OperationContract]
        IList<PriceEntry> GetPriceList();

        [OperationContract(IsOneWay = true)]
        void Ping();
    }

    [DataContract]
    public class OrderRequest
    {
        [DataMember] public string CustomerId { get; set; }
        [DataMember] public IList<OrderLine> Lines { get; set; }
    }

    [DataContract]
    public class OrderLine
    {
        [DataMember] public string Sku { get; set; }
        [DataMember] public int Quantity { get; set; }
    }

    [DataContract]
    public class OrderSummary
    {
        [DataMember] public int OrderId { get; set; }
        [DataMember] public string Status { get; set; }
        [DataMember] public DateTime PlacedAt { get; set; }
    }

    [DataContract]
    public class PriceEntry
    {
        [DataMember] public string Sku { get; set; }
        [DataMember] public decimal Price { get; set; }
    }
}
