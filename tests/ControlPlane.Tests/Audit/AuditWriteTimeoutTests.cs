using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Tests.Data;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Audit;

/// <summary>
/// The audit trail on a real PostgreSQL server that hangs (SIGSTOP): recording an entry, as a request
/// does before it answers, returns after Audit:WriteTimeout; the entry is kept in the spill file and
/// written when the server answers again.
/// </summary>
public sealed class AuditWriteTimeoutTests : IAsyncLifetime
{
    private readonly string _directory = RepositoryLayout.NewTemporaryDirectory("audit-timeout");
    private readonly CapturedLogs _logs = new();
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
    public async Task An_entry_the_hung_database_does_not_write_in_time_is_spilled_at_once_and_written_when_it_answers()
    {
        using var loggers = new LoggerFactory([_logs]);
        var trail = new AuditTrail(
            _databases, new AuditFeed(TimeProvider.System), new AuditSpill(_directory), TimeProvider.System,
            Options.Create(new AuditOptions { WriteTimeout = TimeSpan.FromSeconds(1) }), loggers.CreateLogger<AuditTrail>());
        var database = new DatabaseReadiness(_databases);
        database.MarkStarted();
        using var writer = new AuditRetryWriter(trail, database, TimeProvider.System, loggers.CreateLogger<AuditRetryWriter>());
        await writer.StartAsync(TestContext.Current.CancellationToken);
        await Record(trail, "before");

        _server.Freeze();
        await Record(trail, "while-hung");
        await Record(trail, "after-it");
        var spilled = SpilledText();
        _server.Thaw();

        Assert.Contains("while-hung", spilled, StringComparison.Ordinal);
        Assert.Contains("after-it", spilled, StringComparison.Ordinal);
        Assert.True(_logs.Contains(LogLevel.Warning, "did not write an audit entry within", "Audit:WriteTimeout"));
        await Eventually.HoldsAsync(async () => (await StoredActionsAsync()).Length == 3, "the spilled entries are written", TimeSpan.FromSeconds(90));
        await writer.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["before", "while-hung", "after-it"], await StoredActionsAsync());
        Assert.False(File.Exists(Path.Combine(_directory, AuditSpill.FileName)));
    }

    /// <summary>The spill file and the part of it the writer has taken to write.</summary>
    private string SpilledText() => string.Concat(
        Directory.GetFiles(_directory, AuditSpill.FileName + "*").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    private static Task Record(AuditTrail trail, string action) =>
        trail.RecordAsync(new AuditRecord("admin", action, null, null, AuditOutcome.Succeeded), TestContext.Current.CancellationToken);

    private async Task<string[]> StoredActionsAsync()
    {
        try
        {
            await using var db = _databases.CreateDbContext();
            return await db.AuditLog.OrderBy(e => e.Id).Select(e => e.Action).ToArrayAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            return [];
        }
    }

    private sealed class Databases(string connectionString) : IDbContextFactory<VigilDbContext>
    {
        public VigilDbContext CreateDbContext() => ProviderContexts.Open(DatabaseProvider.PostgreSql, connectionString);
    }
}
