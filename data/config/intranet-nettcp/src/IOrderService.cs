using System.ServiceModel;

namespace Contoso.Orders
{
    [ServiceContract(Namespace = "urn:contoso:orders")]
    public interface IOrderService
    {
        // Writes the order to the Orders database as the caller.
        [OperationContract]
        int PlaceOrder(Order order);

        [OperationContract]
        Order GetOrder(int id);

        [OperationContract(IsOneWay = true)]
        void Ping();
    }
}
