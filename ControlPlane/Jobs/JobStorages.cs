using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace Vigil.ControlPlane.Jobs;

/// <summary>
/// Hangfire's storage for a location. Workers look for new jobs every <see cref="PollInterval"/>, so
/// a job starts within a second and a stopping control plane is not held by a long poll. The
/// PostgreSQL and SQL Server tables are created by <see cref="JobStorageSchema"/> once the database
/// answers, not when the storage is built (that happens before the control plane waits for it).
/// </summary>
public static class JobStorages
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static JobStorage Create(JobStorageLocation location) => location.Kind switch
    {
        JobStorageKind.PostgreSql => new PostgreSqlStorage(
            new NpgsqlConnectionFactory(location.ConnectionString, PostgreSqlOptions),
            PostgreSqlOptions),
        JobStorageKind.SqlServer => new SqlServerStorage(
            () => new SqlConnection(location.ConnectionString),
            new SqlServerStorageOptions { SchemaName = JobStorageLocation.Schema, QueuePollInterval = PollInterval, PrepareSchemaIfNecessary = false }),
        JobStorageKind.Sqlite => new SQLiteStorage(location.ConnectionString, new SQLiteStorageOptions { QueuePollInterval = PollInterval }),
        _ => new InMemoryStorage(),
    };

    private static PostgreSqlStorageOptions PostgreSqlOptions => new()
    {
        SchemaName = JobStorageLocation.Schema,
        QueuePollInterval = PollInterval,
        PrepareSchemaIfNecessary = false,
    };

    /// <summary>Creates or updates Hangfire's tables in their own schema (a no-op when they are current).</summary>
    public static async Task PrepareSchemaAsync(JobStorageLocation location, CancellationToken cancellationToken)
    {
        switch (location.Kind)
        {
            case JobStorageKind.PostgreSql:
                await using (var connection = new NpgsqlConnection(location.ConnectionString))
                {
                    await connection.OpenAsync(cancellationToken);
                    PostgreSqlObjectsInstaller.Install(connection, JobStorageLocation.Schema);
                }

                break;
            case JobStorageKind.SqlServer:
                await using (var connection = new SqlConnection(location.ConnectionString))
                {
                    await connection.OpenAsync(cancellationToken);
                    SqlServerObjectsInstaller.Install(connection, JobStorageLocation.Schema, enableHeavyMigrations: false);
                }

                break;
        }
    }
}
