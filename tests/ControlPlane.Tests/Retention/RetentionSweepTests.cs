using Microsoft.EntityFrameworkCore;
using Quartz;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Data.Audit;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Events;
using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Metrics;
using Vigil.ControlPlane.Retention;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Retention;

/// <summary>A retention run against the real database: old rows go in batches, recent and still-needed rows stay.</summary>
public abstract class RetentionSweepTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateTimeOffset Old = Now.AddDays(-200);
    private static readonly DateTimeOffset Recent = Now.AddDays(-1);
    private static readonly DateTimeOffset Stale = Now.AddDays(-20);
    private readonly Guid _nodeId = Guid.NewGuid();
    private TestDatabase _database = null!;
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Retention:BatchSize"] = "10",
            // The host's own metric writer keeps the tests' rollups: only the test prunes them.
            ["Metrics:MinuteRetention"] = "31.00:00:00",
            ["Metrics:HourRetention"] = "3660.00:00:00",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Old_rows_go_in_batches_while_recent_and_still_needed_rows_stay_and_the_run_is_audited()
    {
        await using (var db = await _host.OpenDatabaseAsync())
        {
            db.Nodes.Add(new Node { Id = _nodeId, Name = "retention-node", AgentVersion = "1", OperatingSystem = "test", FirstSeenAt = Old, LastSeenAt = Recent, LivenessChangedAt = Recent });
            db.Events.AddRange(Enumerable.Range(1, 25).Select(i => Event(i, Old)));
            db.Events.Add(Event(26, Recent));
            db.Commands.AddRange(Command(CommandState.Succeeded, Old), Command(CommandState.Pending, Old), Command(CommandState.Failed, Recent));
            db.AuditLog.AddRange(Audit("old", Old), Audit("recent", Recent));
            var resolved = Alert("Resolved", Old);
            var waiting = Alert("Resolved", Old);
            var open = Alert("Firing", null);
            db.Alerts.AddRange(resolved, waiting, open, Alert("Resolved", Recent));
            db.AlertDeliveries.AddRange(Delivery(resolved, AlertDeliveryState.Sent), Delivery(waiting, AlertDeliveryState.Pending), Delivery(open, AlertDeliveryState.Sent));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var counts = await _host.Get<RetentionSweep>().RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new RetentionCounts(Events: 25, Commands: 1, AuditEntries: 1, Alerts: 1), counts);
        await using var after = await _host.OpenDatabaseAsync();
        Assert.Equal([26L], await after.Events.Where(e => e.NodeId == _nodeId).Select(e => e.Sequence).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(
            [CommandState.Pending, CommandState.Failed],
            (await after.Commands.Where(c => c.NodeId == _nodeId).Select(c => c.State).ToListAsync(TestContext.Current.CancellationToken)).Order());
        Assert.Equal(["recent"], await after.AuditLog.Where(e => e.Actor == "retention-test").Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, await after.Alerts.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, await after.AlertDeliveries.CountAsync(TestContext.Current.CancellationToken));
        await Eventually.HoldsAsync(
            async () => await after.AuditLog.AnyAsync(e => e.Actor == AuditRecord.System && e.Action == RetentionSweep.AuditAction && e.Detail == counts.ToString()),
            "the run is audited with its counts");
    }

    [Fact]
    public async Task Old_metric_rollups_go_a_bounded_number_of_batches_per_call_and_the_rest_at_the_next()
    {
        await using (var db = await _host.OpenDatabaseAsync())
        {
            db.NodeMetricRollups.AddRange(Enumerable.Range(0, 35).Select(i => Rollup(MetricResolution.Minute, Stale.AddMinutes(i))));
            db.NodeMetricRollups.AddRange(Rollup(MetricResolution.Minute, Recent), Rollup(MetricResolution.Hour, Stale), Rollup(MetricResolution.Hour, Recent));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var store = _host.Get<MetricRollupStore>();
        var first = await store.PruneAsync(Now.AddDays(-2), Now.AddDays(-2), maxBatches: 2, TestContext.Current.CancellationToken);
        var second = await store.PruneAsync(Now.AddDays(-2), Now.AddDays(-2), maxBatches: 2, TestContext.Current.CancellationToken);

        Assert.Equal(new DeleteProgress(20, More: true), first);
        Assert.Equal(new DeleteProgress(16, More: false), second);
        await using var after = await _host.OpenDatabaseAsync();
        var left = await after.NodeMetricRollups.Where(r => r.NodeId == _nodeId).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([MetricResolution.Minute, MetricResolution.Hour], left.Select(r => r.Resolution).Order());
        Assert.All(left, r => Assert.True(r.BucketStart > Now.AddDays(-2), $"{r.Resolution} {r.BucketStart} is recent"));
    }

    [Fact]
    public async Task A_writer_gets_in_between_the_batches_of_a_long_delete()
    {
        await using (var db = await _host.OpenDatabaseAsync())
        {
            db.Nodes.Add(new Node { Id = _nodeId, Name = "retention-node", AgentVersion = "1", OperatingSystem = "test", FirstSeenAt = Old, LastSeenAt = Recent, LivenessChangedAt = Recent });
            db.AuditLog.AddRange(Enumerable.Range(0, 2_000).Select(i => Audit($"old-{i}", Old)));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        // 200 batches of 10, each followed by a pause: the delete takes seconds.
        var deleting = _host.Get<BatchedDelete>().DeleteAllAsync(db => db.AuditLog.Where(e => e.At < Recent).OrderBy(e => e.Id), TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () =>
        {
            await using var db = await _host.OpenDatabaseAsync();
            return await db.AuditLog.CountAsync(e => e.Actor == "retention-test", TestContext.Current.CancellationToken) < 2_000;
        }, "the delete has begun");
        await using (var writer = await _host.OpenDatabaseAsync())
        {
            writer.Events.Add(Event(1, Now));
            await writer.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        Assert.False(deleting.IsCompleted, "the event was written while the delete was still under way");
        Assert.Equal(2_000, await deleting);
    }

    [Fact]
    public async Task The_run_is_scheduled_with_quartz()
    {
        var scheduler = await _host.Get<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);

        var triggers = await scheduler.GetTriggersOfJob(RetentionJob.Key, TestContext.Current.CancellationToken);

        var trigger = Assert.Single(triggers);
        Assert.True(trigger.NextFireTimeUtc > Now.AddMinutes(5), $"first run at {trigger.NextFireTimeUtc}, expected after the start delay");
    }

    private StoredEvent Event(long sequence, DateTimeOffset at) => new()
    {
        NodeId = _nodeId,
        Sequence = sequence,
        OccurredAt = at,
        ReceivedAt = at,
        Kind = "ServiceStarted",
        Message = "started",
    };

    private StoredCommand Command(CommandState state, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(),
        NodeId = _nodeId,
        Service = "web",
        Kind = "Restart",
        Origin = "test",
        State = state,
        CreatedAt = at,
        // Not yet past its time to live, so that the command pipeline leaves a pending one pending.
        ExpiresAt = Now.AddDays(1),
    };

    private NodeMetricRollup Rollup(MetricResolution resolution, DateTimeOffset start) => new()
    {
        NodeId = _nodeId,
        Resolution = resolution,
        BucketStart = start,
        CpuAverage = 10,
        CpuMax = 20,
        MemoryUsedAverage = 1,
        MemoryTotal = 2,
        SampleCount = 60,
    };

    private static AuditEntry Audit(string action, DateTimeOffset at) => new() { At = at, Actor = "retention-test", Action = action, Outcome = "Succeeded" };

    private static StoredAlert Alert(string status, DateTimeOffset? resolvedAt) => new()
    {
        Id = Guid.NewGuid(),
        RuleId = Guid.NewGuid(),
        TargetKey = $"node/{Guid.NewGuid()}",
        Status = status,
        Severity = "Critical",
        Condition = "NodeLost",
        Summary = "lost",
        Document = "{}",
        FiredAt = Old,
        ResolvedAt = resolvedAt,
    };

    private static AlertDelivery Delivery(StoredAlert alert, AlertDeliveryState state) => new()
    {
        Id = Guid.NewGuid(),
        AlertId = alert.Id,
        ChannelId = Guid.NewGuid(),
        Notification = "Firing",
        Alert = "{}",
        State = state,
        CreatedAt = Old,
    };
}

public sealed class SqliteRetentionSweepTests : RetentionSweepTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlRetentionSweepTests(PostgresFixture postgres) : RetentionSweepTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => postgres.CreateTestDatabaseAsync(TestContext.Current.CancellationToken);
}
