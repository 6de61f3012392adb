using System.ServiceModel;
using System.ServiceProcess;
using Contoso.Orders.Service;

namespace Contoso.Orders
{
    // Installed as the Windows service "ContosoOrders", log on as CONTOSO\svc_app.
    public class OrdersWindowsService : ServiceBase
    {
        private ServiceHost host;

        protected override void OnStart(string[] args)
        {
            host = new ServiceHost(typeof(OrderService));
            host.Open();
        }

        protected override void OnStop()
        {
            host?.Close();
            host = null;
        }

        public static void Main() => Run(new OrdersWindowsService());
    }
}
