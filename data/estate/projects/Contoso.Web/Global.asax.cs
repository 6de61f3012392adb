using System;
using System.Web;

namespace Contoso.Web
{
    public class Global : HttpApplication
    {
        protected void Application_Start(object sender, EventArgs e)
        {
            // The channel factories read their endpoints ("orders", "reports") from Web.config.
            Backends.Warm();
        }

        protected void Application_Error(object sender, EventArgs e)
        {
            var error = Server.GetLastError();
            System.Diagnostics.Trace.TraceError("Contoso.Web: {0}", error);
        }
    }
}
