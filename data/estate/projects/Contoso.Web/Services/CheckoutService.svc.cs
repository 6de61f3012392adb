using System.Linq;
using System.ServiceModel;
using Contoso.Orders.Contracts;

namespace Contoso.Web.Services
{
    public class CheckoutService : ICheckoutService
    {
        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public int SubmitBasket(Basket basket)
        {
            var orders = Backends.Orders.CreateChannel();
            try
            {
                return orders.PlaceOrder(new OrderRequest
                {
                    CustomerId = basket.CustomerId,
                    Lines = basket.Lines.Select(l => new OrderLine { Sku = l.Sku, Quantity = l.Quantity }).ToList()
                });
            }
            finally
            {
                ((IClientChannel)orders).Close();
            }
        }

        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public byte[] GetStatement(int year, int month)
        {
            var reports = Backends.Reports.CreateChannel();
            try
            {
                return reports.RenderStatement(year, month);
            }
            finally
            {
                ((IClientChannel)reports).Close();
            }
        }

        public string GetHelpText(string topic) => HelpTopics.Lookup(topic);
    }
}
