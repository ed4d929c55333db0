using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Metrics;
using Vigil.ControlPlane.Retention;
using Vigil.ControlPlane.Tests.Data;
using Vigil.TestSupport;
using static Vigil.ControlPlane.Tests.Metrics.Samples;

namespace Vigil.ControlPlane.Tests.Metrics;

/// <summary>Rollups, retention and reads against a real, migrated SQLite database.</summary>
public sealed class MetricRollupStoreTests : IAsyncLifetime, IDbContextFactory<VigilDbContext>
{
    private readonly string _directory = RepositoryLayout.NewTemporaryDirectory("metrics-store");
    private readonly Guid _node = Guid.NewGuid();
    private readonly Guid _other = Guid.NewGuid();
    private MetricRollupStore _store = null!;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "vigil.db")};Pooling=false";

    public async ValueTask InitializeAsync()
    {
        await using var db = CreateDbContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        _store = new MetricRollupStore(this, new BatchedDelete(this, TimeProvider.System, Options.Create(new RetentionOptions())));
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    public VigilDbContext CreateDbContext() => ProviderContexts.Open(DatabaseProvider.Sqlite, ConnectionString);

    [Fact]
    public async Task An_hour_is_rolled_up_per_node_from_its_minutes_only()
    {
        await _store.WriteAsync(
        [
            Minute(_node, Eight.AddMinutes(-1), 99, 99, GiB, 60),
            Minute(_node, Eight, 10, 20, GiB, 30),
            Minute(_node, Eight.AddMinutes(59), 40, 90, 3 * GiB, 10),
            Minute(_other, Eight.AddMinutes(30), 70, 70, GiB, 60),
            Minute(_node, Eight.AddHours(1), 99, 99, GiB, 60),
        ], TestContext.Current.CancellationToken);

        Assert.Equal(2, await _store.RollUpHourAsync(Eight, TestContext.Current.CancellationToken));

        var hour = Assert.Single(await _store.ReadAsync(_node, MetricResolution.Hour, Eight.AddDays(-1), TestContext.Current.CancellationToken));
        Assert.Equal((Eight, 17.5, 90d, 40), (hour.Start, hour.CpuAverage, hour.CpuMax, hour.SampleCount));
        Assert.Equal((long)(1.5 * GiB), hour.MemoryUsedAverage);
        Assert.Equal(70, Assert.Single(await _store.ReadAsync(_other, MetricResolution.Hour, Eight, TestContext.Current.CancellationToken)).CpuAverage);
    }

    [Fact]
    public async Task Rolling_an_hour_up_again_replaces_its_rows_with_late_minutes_included()
    {
        await _store.WriteAsync([Minute(_node, Eight, 10, 10, GiB, 60)], TestContext.Current.CancellationToken);
        await _store.RollUpHourAsync(Eight, TestContext.Current.CancellationToken);
        await _store.WriteAsync([Minute(_node, Eight.AddMinutes(1), 30, 30, GiB, 60)], TestContext.Current.CancellationToken);

        await _store.RollUpHourAsync(Eight, TestContext.Current.CancellationToken);

        var hour = Assert.Single(await _store.ReadAsync(_node, MetricResolution.Hour, Eight, TestContext.Current.CancellationToken));
        Assert.Equal(20, hour.CpuAverage);
    }

    [Fact]
    public async Task The_first_hour_to_roll_up_follows_the_last_hour_stored_else_the_oldest_minute_and_never_precedes_retention()
    {
        Assert.Null(await _store.FirstHourToRollUpAsync(DateTimeOffset.MinValue, TestContext.Current.CancellationToken));

        await _store.WriteAsync([Minute(_node, Eight.AddMinutes(75), 10, 10, GiB, 1)], TestContext.Current.CancellationToken);
        Assert.Equal(Eight.AddHours(1), await _store.FirstHourToRollUpAsync(DateTimeOffset.MinValue, TestContext.Current.CancellationToken));
        Assert.Equal(Eight.AddHours(5), await _store.FirstHourToRollUpAsync(Eight.AddHours(5), TestContext.Current.CancellationToken));

        await _store.RollUpHourAsync(Eight.AddHours(1), TestContext.Current.CancellationToken);
        Assert.Equal(Eight.AddHours(2), await _store.FirstHourToRollUpAsync(DateTimeOffset.MinValue, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Pruning_deletes_minutes_and_hours_before_their_own_cutoffs()
    {
        await _store.WriteAsync(
        [
            Minute(_node, Eight.AddHours(-49), 1, 1, GiB, 1),
            Minute(_node, Eight.AddHours(-47), 2, 2, GiB, 1),
        ], TestContext.Current.CancellationToken);
        await _store.RollUpHourAsync(Eight.AddHours(-49), TestContext.Current.CancellationToken);
        await _store.RollUpHourAsync(Eight.AddHours(-47), TestContext.Current.CancellationToken);

        var pruned = await _store.PruneAsync(Eight.AddHours(-48), Eight.AddHours(-48), maxBatches: 10, TestContext.Current.CancellationToken);

        Assert.Equal(new DeleteProgress(2, More: false), pruned);
        Assert.Equal([Eight.AddHours(-47)], (await _store.ReadAsync(_node, MetricResolution.Minute, DateTimeOffset.MinValue, TestContext.Current.CancellationToken)).Select(m => m.Start));
        Assert.Equal([Eight.AddHours(-47)], (await _store.ReadAsync(_node, MetricResolution.Hour, DateTimeOffset.MinValue, TestContext.Current.CancellationToken)).Select(m => m.Start));
    }
}
