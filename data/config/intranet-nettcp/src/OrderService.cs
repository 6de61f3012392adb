using System.Data.SqlClient;
using System.Security.Principal;
using System.ServiceModel;

namespace Contoso.Orders
{
    public partial class OrderService : IOrderService
    {
        private const string ConnectionString =
            "Server=sql01.corp.contoso.com;Database=Orders;Integrated Security=SSPI"; // "quoted [Required]"

        /* [OperationBehavior(Impersonation = ImpersonationOption.NotAllowed)] is not here: comments do not count */
        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public int PlaceOrder(Order order)
        {
            using (var connection = new SqlConnection(ConnectionString))
            {
                connection.Open();
                return Save(connection, order);
            }
        }

        [OperationBehavior(Impersonation = ImpersonationOption.Allowed, TransactionScopeRequired = true)]
        public Order GetOrder(int id) => Load(id);
    }
}
