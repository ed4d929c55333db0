using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Metrics;
using Vigil.ControlPlane.Retention;
using Vigil.ControlPlane.Tests.Data;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;
using static Vigil.ControlPlane.Tests.Metrics.Samples;

namespace Vigil.ControlPlane.Tests.Metrics;

/// <summary>
/// The rollup writer on a real, migrated SQLite database that refuses one minute: SQLite stores a NaN
/// as NULL, which the column does not allow.
/// </summary>
public sealed class MetricRollupWriterTests : IAsyncLifetime, IDbContextFactory<VigilDbContext>
{
    private readonly string _directory = RepositoryLayout.NewTemporaryDirectory("metrics-writer");
    private readonly FakeTimeProvider _clock = new(Eight.AddHours(1));
    private readonly CapturedLogs _logs = new();
    private readonly Guid _node = Guid.NewGuid();
    private readonly Guid _refused = Guid.NewGuid();

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "vigil.db")};Pooling=false";

    public async ValueTask InitializeAsync()
    {
        await using var db = CreateDbContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    public VigilDbContext CreateDbContext() => ProviderContexts.Open(DatabaseProvider.Sqlite, ConnectionString);

    [Fact]
    public async Task A_minute_the_database_refuses_is_set_aside_with_an_error_and_the_minutes_after_it_are_written()
    {
        var completed = new CompletedMinutes(100);
        var database = new DatabaseReadiness(this);
        database.MarkStarted();
        using var loggers = new LoggerFactory([_logs]);
        using var writer = new MetricRollupWriter(
            new NodeMetricsAccumulator(_clock, completed), completed, new MetricRollupStore(this, new BatchedDelete(this, _clock, Options.Create(new RetentionOptions()))), database, _clock,
            Options.Create(new MetricsOptions()), loggers.CreateLogger<MetricRollupWriter>());
        completed.Add(Minute(_node, Eight, 10, 10, GiB, 6));
        completed.Add(Minute(_refused, Eight, double.NaN, 10, GiB, 6));
        completed.Add(Minute(_node, Eight.AddMinutes(1), 20, 20, GiB, 6));

        await writer.StartAsync(TestContext.Current.CancellationToken);
        await WrittenAsync(2, "the good minutes of the refused batch are written");
        completed.Add(Minute(_node, Eight.AddMinutes(2), 30, 30, GiB, 6));
        await WrittenAsync(3, "a later minute is written");
        await writer.StopAsync(TestContext.Current.CancellationToken);

        var stored = await StoredCpuAsync();
        Assert.Equal([10d, 20d, 30d], stored);
        var error = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(_refused.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("set aside", error.Message, StringComparison.Ordinal);
    }

    private Task WrittenAsync(int count, string what) =>
        Eventually.HoldsAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(5));
                return (await StoredCpuAsync()).Length == count;
            },
            what);

    private async Task<double[]> StoredCpuAsync()
    {
        await using var db = CreateDbContext();
        return await db.NodeMetricRollups.Where(r => r.Resolution == MetricResolution.Minute)
            .OrderBy(r => r.BucketStart).Select(r => r.CpuAverage).ToArrayAsync(TestContext.Current.CancellationToken);
    }
}
