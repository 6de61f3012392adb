using System.ServiceModel;
using System.ServiceProcess;

namespace Contoso.Legacy
{
    internal class InventoryHost : ServiceBase
    {
        private ServiceHost host;

        protected override void OnStart(string[] args)
        {
            host = new ServiceHost(typeof(InventoryService));
            host.Open();
        }

        protected override void OnStop()
        {
            if (host != null) host.Close();
        }

        private static void Main()
        {
            Run(new InventoryHost());
        }
    }
}
