using Microsoft.Data.Sqlite;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Jobs;

/// <summary>Which of Hangfire's storages holds the jobs.</summary>
public enum JobStorageKind
{
    Sqlite,
    PostgreSql,
    SqlServer,
    Memory,
}

/// <summary>
/// Where Hangfire keeps its jobs: on the product's own database. PostgreSQL and SQL Server hold its
/// tables in a schema of their own (<c>hangfire</c>) of the same database. SQLite allows one writer
/// at a time, and Hangfire's workers write often: its jobs go to a file of their own next to the
/// database (<c>vigil.db</c> → <c>vigil.hangfire.db</c>), so they never make the control plane's
/// own writes wait. An in-memory SQLite database keeps the jobs in memory as well.
/// </summary>
public sealed record JobStorageLocation(JobStorageKind Kind, string ConnectionString)
{
    public const string Schema = "hangfire";

    public static JobStorageLocation For(DatabaseProvider provider, string connectionString) => provider switch
    {
        DatabaseProvider.PostgreSql => new(JobStorageKind.PostgreSql, connectionString),
        DatabaseProvider.SqlServer => new(JobStorageKind.SqlServer, connectionString),
        _ => ForSqlite(connectionString),
    };

    private static JobStorageLocation ForSqlite(string connectionString)
    {
        var database = new SqliteConnectionStringBuilder(connectionString);
        var path = database.DataSource;
        if (database.Mode == SqliteOpenMode.Memory || path.Length == 0 || path == ":memory:")
        {
            return new(JobStorageKind.Memory, "");
        }

        var name = Path.GetFileNameWithoutExtension(path) + ".hangfire" + Path.GetExtension(path);
        return new(JobStorageKind.Sqlite, Path.Combine(Path.GetDirectoryName(path) ?? "", name));
    }
}
