namespace Contoso.Orders
{
    public partial class OrderService : OrderService
    {
        public void Cancel(int id) { }
    }
    class Left : Right { }
    class Right : Left { }
}
