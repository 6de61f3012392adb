using System.Configuration;
using System.IO;
using System.ServiceModel;

namespace Contoso.Reports
{
    [ServiceBehavior(InstanceContextMode = InstanceContextMode.PerCall, ConcurrencyMode = ConcurrencyMode.Multiple)]
    public class ReportService : IReportService
    {
        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public byte[] RenderStatement(int year, int month)
        {
            var pdf = StatementRenderer.Render(ServiceSecurityContext.Current.WindowsIdentity.Name, year, month);
            // SMB to files01 as the caller: needs delegation (RBCD on FILES01$). Not WCF.
            var share = ConfigurationManager.AppSettings["StatementShare"];
            File.WriteAllBytes(Path.Combine(share, $"{year:D4}-{month:D2}.pdf"), pdf);
            return pdf;
        }

        [OperationBehavior(Impersonation = ImpersonationOption.NotAllowed)]
        public string[] ListTemplates() => new[] { "statement", "invoice", "aging" };
    }

    internal static class StatementRenderer
    {
        public static byte[] Render(string user, int year, int month) => new byte[0];
    }
}
