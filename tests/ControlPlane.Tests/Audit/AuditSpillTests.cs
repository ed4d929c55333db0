using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Tests.Data;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Audit;

/// <summary>The audit trail on a real PostgreSQL server that goes away for longer than its queue holds.</summary>
public sealed class AuditSpillTests : IAsyncLifetime
{
    private const int Capacity = 3;
    private readonly string _directory = RepositoryLayout.NewTemporaryDirectory("audit-spill");
    private PostgresServer _server = null!;
    private Databases _databases = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        _databases = new Databases(await _server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));
        await using var db = _databases.CreateDbContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Entries_beyond_the_queue_are_kept_in_a_file_and_all_are_written_in_order_when_the_database_returns()
    {
        var trail = new AuditTrail(_databases, new AuditFeed(TimeProvider.System), new AuditSpill(_directory), TimeProvider.System, Options.Create(new AuditOptions()), NullLogger<AuditTrail>.Instance, Capacity);
        await _server.StopAsync(TestContext.Current.CancellationToken);

        var actions = Enumerable.Range(1, Capacity + 2).Select(i => $"change-{i}").ToArray();
        foreach (var action in actions)
        {
            await trail.RecordAsync(new AuditRecord("admin", action, null, null, AuditOutcome.Succeeded), TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, File.ReadAllLines(Path.Combine(_directory, AuditSpill.FileName)).Length);
        await _server.StartAgainAsync(TestContext.Current.CancellationToken);
        var database = new DatabaseReadiness(_databases);
        database.MarkStarted();
        using var writer = new AuditRetryWriter(trail, database, TimeProvider.System, NullLogger<AuditRetryWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () => (await StoredActionsAsync()).Length == actions.Length, "every entry is written");
        await writer.StopAsync(TestContext.Current.CancellationToken);

        var stored = await StoredActionsAsync();
        Assert.Equal(actions, stored);
        Assert.False(File.Exists(Path.Combine(_directory, AuditSpill.FileName)));
        Assert.False(trail.Spill.IsSpilling);
    }

    private async Task<string[]> StoredActionsAsync()
    {
        await using var db = _databases.CreateDbContext();
        return await db.AuditLog.OrderBy(e => e.Id).Select(e => e.Action).ToArrayAsync(TestContext.Current.CancellationToken);
    }

    private sealed class Databases(string connectionString) : IDbContextFactory<VigilDbContext>
    {
        public VigilDbContext CreateDbContext() => ProviderContexts.Open(DatabaseProvider.PostgreSql, connectionString);
    }
}
