using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.Benchmarks.Fleet;

/// <summary>
/// Fills an empty control plane database with a simulated fleet's history up to now: day by day
/// events, liveness changes, audit entries, commands, alerts with their deliveries, failover
/// history and hourly metric rollups, and minute rollups for the last <see cref="FleetSettings.MinuteHours"/>
/// hours (the minute retention). Prints the database size after each day and per table at the end.
/// </summary>
public static class FleetGenerator
{
    public static readonly string[] HistoryTables =
        ["Events", "NodeLivenessChanges", "AuditLog", "Commands", "Alerts", "AlertDeliveries", "FailoverHistory", "NodeMetricRollups"];

    public static async Task<int> RunAsync(FleetSettings settings, CancellationToken cancellationToken)
    {
        var database = new FleetDatabase(settings);
        await database.MigrateAsync(cancellationToken);
        var random = new Random(settings.Seed);
        var now = DateTimeOffset.UtcNow;
        var end = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var since = end - TimeSpan.FromDays(settings.Days);
        var minutesFrom = end - TimeSpan.FromHours(settings.MinuteHours);
        var fleet = SimulatedFleet.Create(settings.Nodes, since, end, random);
        var clock = Stopwatch.StartNew();

        await using (var db = database.CreateDbContext())
        {
            var bulk = new BulkInsert(db);
            await bulk.InsertAsync(fleet.Nodes, cancellationToken);
            await bulk.InsertAsync([.. fleet.Configurations(since)], cancellationToken);
            await bulk.InsertAsync(fleet.Groups, cancellationToken);
            await bulk.InsertAsync([.. fleet.Groups.SelectMany(g => g.Members)], cancellationToken);
        }

        Console.WriteLine($"{settings.Provider}: {settings.Nodes} nodes, {settings.Nodes * SimulatedFleet.ServicesPerNode} managed services, {fleet.Groups.Count} failover groups; {settings.Days} days from {since:u}, minute rollups from {minutesFrom:u}");
        Console.WriteLine("day | rows written | database size | growth | seconds");
        var sequences = new long[settings.Nodes];
        var (ruleId, channelId) = (SimulatedFleet.GuidFrom(random), SimulatedFleet.GuidFrom(random));
        var before = await database.SizeAsync(cancellationToken);
        for (var day = 0; day < settings.Days; day++)
        {
            var start = since + TimeSpan.FromDays(day);
            var history = new FleetDay(fleet, start, random, sequences);
            long rows = 0;
            await using (var db = database.CreateDbContext())
            {
                var bulk = new BulkInsert(db);
                rows += await WriteAsync(bulk, history.Events(), cancellationToken);
                rows += await WriteAsync(bulk, history.LivenessChanges(), cancellationToken);
                rows += await WriteAsync(bulk, history.AuditLog(), cancellationToken);
                rows += await WriteAsync(bulk, history.CommandLog(), cancellationToken);
                var (alerts, deliveries) = history.AlertLog(ruleId, channelId);
                rows += await WriteAsync(bulk, alerts, cancellationToken);
                rows += await WriteAsync(bulk, deliveries, cancellationToken);
                rows += await WriteAsync(bulk, history.FailoverHistory(), cancellationToken);
                for (var hour = 0; hour < 24; hour++)
                {
                    var hourStart = start + TimeSpan.FromHours(hour);
                    rows += await WriteAsync(bulk, FleetMetrics.Rows(fleet, MetricResolution.Hour, hourStart, random), cancellationToken);
                    if (hourStart >= minutesFrom)
                    {
                        for (var tenth = 0; tenth < 6; tenth++)
                        {
                            var minutes = Enumerable.Range(tenth * 10, 10).SelectMany(m => FleetMetrics.Rows(fleet, MetricResolution.Minute, hourStart + TimeSpan.FromMinutes(m), random)).ToList();
                            rows += await WriteAsync(bulk, minutes, cancellationToken);
                        }
                    }
                }
            }

            var size = await database.SizeAsync(cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{day + 1} | {rows:N0} | {Megabytes(size)} | {Megabytes(size - before)} | {clock.Elapsed.TotalSeconds:0}"));
            before = size;
        }

        await using (var db = database.CreateDbContext())
        {
            // The control plane's last-seen writer keeps this row current; stored last, it reads as the fleet's last heartbeat.
            await db.Nodes.ExecuteUpdateAsync(n => n.SetProperty(x => x.LastSeenAt, end), cancellationToken);
        }

        Console.WriteLine(await TableReportAsync(database, settings, cancellationToken));
        return 0;
    }

    public static async Task<string> TableReportAsync(FleetDatabase database, FleetSettings settings, CancellationToken cancellationToken)
    {
        var sizes = await database.TableSizesAsync(cancellationToken);
        var counts = await database.RowCountsAsync(HistoryTables, cancellationToken);
        var report = new StringBuilder();
        report.AppendLine("table | rows | size (with indexes) | bytes per row");
        foreach (var table in counts.Keys.Union(sizes.Where(s => s.Value > 64 * 1024).Select(s => s.Key)))
        {
            var (rows, bytes) = (counts.GetValueOrDefault(table), sizes.GetValueOrDefault(table));
            report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{table} | {rows:N0} | {(bytes > 0 ? Megabytes(bytes) : "-")} | {(rows > 0 && bytes > 0 ? (bytes / rows).ToString(CultureInfo.InvariantCulture) : "-")}"));
        }

        var total = await database.SizeAsync(cancellationToken);
        report.Append(string.Create(CultureInfo.InvariantCulture, $"database | | {Megabytes(total)} | ({settings.Provider})"));
        return report.ToString();
    }

    private static async Task<long> WriteAsync<T>(BulkInsert bulk, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        await bulk.InsertAsync(rows, cancellationToken);
        return rows.Count;
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:N1} MB");
}
