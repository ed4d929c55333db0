using Microsoft.EntityFrameworkCore;

namespace Vigil.ControlPlane.Data;

/// <summary>
/// The one place that binds <see cref="VigilDbContext"/> to a provider. The host and the design-time
/// factories of the migration assemblies both call it, so every provider is configured the same way
/// at run time as when its migrations were generated. No provider-level retry: the callers retry
/// explicitly (start-up waits for the database, the state writer keeps its batch until it lands).
/// </summary>
public static class VigilDatabase
{
    public static string MigrationsAssemblyOf(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "Vigil.Migrations.Sqlite",
        DatabaseProvider.SqlServer => "Vigil.Migrations.SqlServer",
        DatabaseProvider.PostgreSql => "Vigil.Migrations.PostgreSql",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    };

    public static DbContextOptionsBuilder Configure(
        DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        var migrations = MigrationsAssemblyOf(provider);
        return provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString, o => o.MigrationsAssembly(migrations)),
            DatabaseProvider.SqlServer => options.UseSqlServer(connectionString, o => o.MigrationsAssembly(migrations)),
            DatabaseProvider.PostgreSql => options.UseNpgsql(connectionString, o => o.MigrationsAssembly(migrations)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
    }
}
