using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>Contexts bound to a provider exactly as the host binds them (<see cref="VigilDatabase.Configure"/>).</summary>
internal static class ProviderContexts
{
    public static readonly TheoryData<DatabaseProvider> AllProviders = new(Enum.GetValues<DatabaseProvider>());

    public static VigilDbContext Open(DatabaseProvider provider, string connectionString)
    {
        var options = new DbContextOptionsBuilder<VigilDbContext>();
        VigilDatabase.Configure(options, provider, connectionString);
        return new VigilDbContext(options.Options);
    }

    /// <summary>A context whose connection is never opened: for the model, the migrations and their SQL.</summary>
    public static VigilDbContext Offline(DatabaseProvider provider) => Open(provider, provider switch
    {
        DatabaseProvider.Sqlite => "Data Source=never-opened.db",
        DatabaseProvider.SqlServer => "Server=never-opened.invalid;Database=Vigil;Trusted_Connection=True;TrustServerCertificate=True",
        DatabaseProvider.PostgreSql => "Host=never-opened.invalid;Database=vigil;Username=vigil",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    });
}
