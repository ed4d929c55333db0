namespace Vigil.ControlPlane.Jobs;

/// <summary>
/// Creates Hangfire's tables on PostgreSQL and SQL Server at start, after the database is prepared
/// (hosted services start in order) and before Hangfire's server starts. The SQLite and in-memory
/// storages create theirs themselves.
/// </summary>
internal sealed class JobStorageSchema(JobStorageLocation location) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => JobStorages.PrepareSchemaAsync(location, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
