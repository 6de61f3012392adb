using System.ServiceModel;
using System.ServiceProcess;

namespace Contoso.Reports
{
    public class ReportsWindowsService : ServiceBase
    {
        private ServiceHost host;

        protected override void OnStart(string[] args)
        {
            host = new ServiceHost(typeof(ReportService));
            host.Open();
        }

        protected override void OnStop() => host?.Close();

        public static void Main() => Run(new ReportsWindowsService());
    }
}
