using System.ServiceModel;

namespace Contoso.Reports
{
    [ServiceContract(Namespace = "urn:contoso:reports")]
    public interface IReportService
    {
        // Renders the caller's statement and files a PDF copy on the statements share as the
        // caller (so the share's ACL applies to the user, not to svc_report).
        [OperationContract]
        byte[] RenderStatement(int year, int month);

        // The list of report templates: the same for everyone.
        [OperationContract]
        string[] ListTemplates();
    }
}
