using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Events;
using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Metrics;
using Vigil.ControlPlane.Retention;

namespace Vigil.Benchmarks.Fleet;

/// <summary>
/// Prunes the oldest day of a generated fleet's history (events, finished commands, audit entries,
/// resolved alerts and hourly rollups, through the product's <see cref="RetentionSweep"/> and
/// <see cref="MetricRollupStore"/>) plus the oldest <c>--minute-hours</c> of minute rollups, while the
/// heartbeat-path writers run as the control plane runs them: every node's last-seen time every 5 s
/// (the product's <see cref="NodeStateStore"/>), a batch of 5 events every 100 ms, and the completed
/// minutes of the fleet every 5 s (the product's <see cref="MetricRollupStore.WriteAsync"/>). Reports
/// each writer's latency before and during the prune. <c>--mode single</c> deletes the minutes in one
/// statement, as the control plane did before its prune was bounded.
/// </summary>
public static class PruneStall
{
    private static readonly TimeSpan Baseline = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(FleetSettings settings, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var options = FleetSettings.Options(args);
        var single = options.GetValueOrDefault("--mode", "batched") == "single";
        var minuteHours = FleetSettings.Number(options, "--prune-minute-hours", 6);
        var databases = new FleetDatabase(settings);
        var retention = new RetentionOptions();
        var batches = new BatchedDelete(databases, TimeProvider.System, Options.Create(retention));
        var metrics = new MetricRollupStore(databases, batches);

        List<Guid> nodes;
        DateTimeOffset oldest, firstMinute;
        await using (var db = databases.CreateDbContext())
        {
            nodes = await db.Nodes.Select(n => n.Id).ToListAsync(cancellationToken);
            oldest = (await db.NodeMetricRollups.Where(r => r.Resolution == MetricResolution.Hour).OrderBy(r => r.BucketStart).FirstAsync(cancellationToken)).BucketStart;
            firstMinute = (await db.NodeMetricRollups.Where(r => r.Resolution == MetricResolution.Minute).OrderBy(r => r.BucketStart).FirstAsync(cancellationToken)).BucketStart;
        }

        var now = DateTimeOffset.UtcNow;
        var dayAge = now - (oldest + TimeSpan.FromDays(1));
        var sweep = new RetentionSweep(
            batches,
            new UnrecordedAudit(),
            Options.Create(new RetentionOptions { Events = dayAge, Commands = dayAge, Audit = dayAge, Alerts = dayAge, BatchSize = retention.BatchSize }),
            TimeProvider.System,
            NullLogger<RetentionSweep>.Instance);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var phase = new Phase();
        var writers = new[]
        {
            new Writer($"node last-seen ({nodes.Count:N0} rows / 5 s)", TimeSpan.FromSeconds(5), phase, ct =>
                new NodeStateStore(databases, NullLogger<NodeStateStore>.Instance).WriteLastSeenAsync(nodes.ToDictionary(id => id, _ => DateTimeOffset.UtcNow), ct)),
            new Writer("events (5 / 100 ms)", TimeSpan.FromMilliseconds(100), phase, ct => WriteEventsAsync(databases, nodes, ct)),
            new Writer($"metric minutes ({nodes.Count / 12} / 5 s)", TimeSpan.FromSeconds(5), phase, ct =>
                metrics.WriteAsync([.. nodes.Take(nodes.Count / 12).Select(id => new MetricBucket(id, MetricResolution.Minute, DateTimeOffset.UtcNow, 20, 30, 1L << 33, 1L << 35, 60))], ct)),
        };
        var running = writers.Select(w => w.RunAsync(stop.Token)).ToList();

        Console.WriteLine($"{settings.Provider}: writers running; baseline {Baseline.TotalSeconds:0} s");
        await Task.Delay(Baseline, cancellationToken);
        phase.Pruning = true;
        var clock = Stopwatch.StartNew();
        var counts = await sweep.RunAsync(cancellationToken);
        var sweepTook = clock.Elapsed;
        var minutesBefore = firstMinute + TimeSpan.FromHours(minuteHours);
        int minutes;
        if (single)
        {
            await using var db = databases.CreateDbContext();
            db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
            minutes = await db.NodeMetricRollups.Where(r => r.Resolution == MetricResolution.Minute && r.BucketStart < minutesBefore).ExecuteDeleteAsync(cancellationToken);
        }
        else
        {
            minutes = (await metrics.PruneAsync(minutesBefore, DateTimeOffset.MinValue, int.MaxValue, cancellationToken)).Deleted;
        }

        var minutesTook = clock.Elapsed - sweepTook;
        var hours = (await metrics.PruneAsync(DateTimeOffset.MinValue, oldest + TimeSpan.FromDays(1), int.MaxValue, cancellationToken)).Deleted;
        var total = clock.Elapsed;
        phase.Pruning = false;
        await stop.CancelAsync();
        await Task.WhenAll(running);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Pruned in {total.TotalSeconds:0.0} s ({(single ? "minutes in one statement" : $"batches of {retention.BatchSize}")}): retention sweep {counts} in {sweepTook.TotalSeconds:0.0} s; {minutes:N0} metric minutes ({minuteHours} h) in {minutesTook.TotalSeconds:0.0} s; {hours:N0} hourly rollups"));
        Console.WriteLine("writer | before: writes, p50, p99, max (ms) | while pruning: writes, p50, p99, max (ms) | failed");
        foreach (var writer in writers)
        {
            Console.WriteLine($"{writer.Name} | {writer.Before} | {writer.During} | {writer.Failures}");
        }

        return 0;
    }

    private static async Task WriteEventsAsync(FleetDatabase databases, List<Guid> nodes, CancellationToken cancellationToken)
    {
        await using var db = databases.CreateDbContext();
        var node = nodes[Random.Shared.Next(nodes.Count)];
        var now = DateTimeOffset.UtcNow;
        db.Events.AddRange(Enumerable.Range(0, 5).Select(i => new StoredEvent
        {
            NodeId = node,
            Sequence = (now.ToUnixTimeMilliseconds() * 10) + i,
            OccurredAt = now,
            ReceivedAt = now,
            Kind = "ServiceStarted",
            Service = "web",
            Message = "web: ServiceStarted",
        }));
        await db.SaveChangesAsync(cancellationToken);
    }

    private sealed class Phase
    {
        public volatile bool Pruning;
    }

    private sealed class Writer(string name, TimeSpan every, Phase phase, Func<CancellationToken, Task> write)
    {
        private readonly List<double> _before = [];
        private readonly List<double> _during = [];

        public string Name => name;

        public int Failures { get; private set; }

        public string Before => Summary(_before);

        public string During => Summary(_during);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var timer = new PeriodicTimer(every);
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    var pruning = phase.Pruning;
                    var clock = Stopwatch.StartNew();
                    try
                    {
                        await write(CancellationToken.None);
                    }
                    catch (Exception exception) when (exception is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                    {
                        Failures++;
                        Console.Error.WriteLine($"{name}: {exception.GetBaseException().Message}");
                    }

                    (pruning || phase.Pruning ? _during : _before).Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private static string Summary(List<double> latencies)
        {
            if (latencies.Count == 0)
            {
                return "-";
            }

            var sorted = latencies.Order().ToList();
            return string.Create(CultureInfo.InvariantCulture,
                $"{sorted.Count}, {sorted[sorted.Count / 2]:0.0}, {sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.99) - 1)]:0.0}, {sorted[^1]:0.0}");
        }
    }

    private sealed class UnrecordedAudit : IAuditTrail
    {
        public Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
