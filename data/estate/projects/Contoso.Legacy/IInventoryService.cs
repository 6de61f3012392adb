using System.ServiceModel;

namespace Contoso.Legacy
{
    [ServiceContract(Namespace = "http://contoso.local/inventory/2011")]
    public interface IInventoryService
    {
        [OperationContract]
        int GetQuantityOnHand(string sku);

        [OperationContract]
        void Reserve(string sku, int quantity);
    }
}
