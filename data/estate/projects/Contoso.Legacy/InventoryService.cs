using System.Data.SqlServerCe;
using System.ServiceModel;

namespace Contoso.Legacy
{
    public class InventoryService : IInventoryService
    {
        // Stock levels are per warehouse, and the warehouse ACLs are checked as the caller.
        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public int GetQuantityOnHand(string sku)
        {
            using (var connection = new SqlCeConnection(Store.ConnectionString))
            {
                connection.Open();
                return Store.Quantity(connection, sku);
            }
        }

        [OperationBehavior(Impersonation = ImpersonationOption.Required)]
        public void Reserve(string sku, int quantity)
        {
            using (var connection = new SqlCeConnection(Store.ConnectionString))
            {
                connection.Open();
                Store.Reserve(connection, sku, quantity);
            }
        }
    }

    internal static class Store
    {
        public static string ConnectionString =>
            System.Configuration.ConfigurationManager.ConnectionStrings["Inventory"].ConnectionString;

        public static int Quantity(SqlCeConnection connection, string sku) => 0;

        public static void Reserve(SqlCeConnection connection, string sku, int quantity) { }
    }
}
