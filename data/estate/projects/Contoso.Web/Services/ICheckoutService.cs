using System.Collections.Generic;
using System.Runtime.Serialization;
using System.ServiceModel;

namespace Contoso.Web.Services
{
    [ServiceContract(Namespace = "urn:contoso:web:checkout")]
    public interface ICheckoutService
    {
        // Places the basket as an order in Contoso.Orders, as the signed-in user.
        [OperationContract]
        int SubmitBasket(Basket basket);

        // The user's monthly statement from Contoso.Reports, as the signed-in user.
        [OperationContract]
        byte[] GetStatement(int year, int month);

        // Static help text; no back-end.
        [OperationContract]
        string GetHelpText(string topic);
    }

    [DataContract]
    public class Basket
    {
        [DataMember] public string CustomerId { get; set; }
        [DataMember] public List<BasketLine> Lines { get; set; }
    }

    [DataContract]
    public class BasketLine
    {
        [DataMember] public string Sku { get; set; }
        [DataMember] public int Quantity { get; set; }
    }
}
