using System.ServiceModel;

namespace Contoso.Orders
{
    // The other half of the partial class: Ping has no [OperationBehavior], so NotAllowed.
    public partial class OrderService
    {
        public void Ping() { }

        private static int Save(System.Data.SqlClient.SqlConnection connection, Order order) => 0;
        private static Order Load(int id) => new Order { Id = id };
    }

    public class Order
    {
        public int Id { get; set; }
    }
}
