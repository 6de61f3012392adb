using System.ServiceModel;

namespace Contoso.Orders
