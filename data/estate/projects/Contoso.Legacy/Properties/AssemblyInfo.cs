using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("Contoso.Legacy.Inventory")]
[assembly: AssemblyCompany("Contoso")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("2.3.0.0")]
