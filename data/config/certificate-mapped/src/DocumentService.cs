using System;
using System.ServiceModel;
using static System.ServiceModel.ImpersonationOption;

namespace Contoso.Documents
{
    [ServiceContract]
    public interface IDocumentService
    {
        [OperationContract]
        Guid Submit(byte[] document);

        [OperationContract]
        string Status(Guid id);
    }

    [ServiceBehavior(InstanceContextMode = InstanceContextMode.PerCall)]
    public class DocumentService : IDocumentService
    {
        // Files the document on \\files01 as the caller.
        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public Guid Submit(byte[] document)
        {
            var path = @"\\files01\documents\""inbox""";
            return Store(path, document);
        }

        // No [OperationBehavior]: NotAllowed, which ImpersonateCallerForAllOperations refuses.
        string IDocumentService.Status(Guid id) => $"{id}: filed";

        private static Guid Store(string path, byte[] document) => Guid.NewGuid();
    }
}
