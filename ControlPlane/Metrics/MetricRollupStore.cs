using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>Database reads and writes of metric rollups.</summary>
public sealed class MetricRollupStore(IDbContextFactory<VigilDbContext> databases, BatchedDelete batches)
{
    /// <summary>Inserts completed minutes with one SaveChanges.</summary>
    public async Task WriteAsync(IReadOnlyList<MetricBucket> minutes, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.NodeMetricRollups.AddRange(minutes.Select(m => m.ToRow()));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The first hour whose minutes are not rolled up yet: the hour after the last stored hour, else
    /// the hour of the oldest stored minute, never before <paramref name="earliest"/>; null while no
    /// minute is stored.
    /// </summary>
    public async Task<DateTimeOffset?> FirstHourToRollUpAsync(DateTimeOffset earliest, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var lastHour = await db.NodeMetricRollups
            .Where(r => r.Resolution == MetricResolution.Hour)
            .OrderByDescending(r => r.BucketStart)
            .Select(r => (DateTimeOffset?)r.BucketStart)
            .FirstOrDefaultAsync(cancellationToken);
        var first = lastHour is { } hour
            ? hour + MetricTime.Hour
            : await db.NodeMetricRollups
                .Where(r => r.Resolution == MetricResolution.Minute)
                .OrderBy(r => r.BucketStart)
                .Select(r => (DateTimeOffset?)r.BucketStart)
                .FirstOrDefaultAsync(cancellationToken);
        return first is { } start ? MetricTime.StartOfHour(start > earliest ? start : earliest) : null;
    }

    /// <summary>
    /// Rolls the minutes of the hour starting at <paramref name="hour"/> up into one row per node,
    /// replacing the hour's rows written before (so rolling an hour again is harmless). Returns the
    /// number of nodes rolled up.
    /// </summary>
    public async Task<int> RollUpHourAsync(DateTimeOffset hour, CancellationToken cancellationToken)
    {
        var end = hour + MetricTime.Hour;
        var rows = new List<NodeMetricRollup>();
        await using (var read = await databases.CreateDbContextAsync(cancellationToken))
        {
            var minutes = read.NodeMetricRollups.AsNoTracking()
                .Where(r => r.Resolution == MetricResolution.Minute && r.BucketStart >= hour && r.BucketStart < end)
                .OrderBy(r => r.NodeId)
                .AsAsyncEnumerable();
            var nodeMinutes = new List<MetricBucket>();
            await foreach (var minute in minutes.WithCancellation(cancellationToken))
            {
                if (nodeMinutes.Count > 0 && nodeMinutes[0].NodeId != minute.NodeId)
                {
                    AddHour(rows, nodeMinutes, hour);
                }

                nodeMinutes.Add(MetricBucket.From(minute));
            }

            AddHour(rows, nodeMinutes, hour);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.NodeMetricRollups
            .Where(r => r.Resolution == MetricResolution.Hour && r.BucketStart == hour)
            .ExecuteDeleteAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.NodeMetricRollups.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// Deletes rollups older than their retention, at most <paramref name="maxBatches"/> bounded batches
    /// (minutes first, then hours), so that a backlog (a day of minutes after a long stop) is worked
    /// off over several calls instead of holding the writers.
    /// </summary>
    public async Task<DeleteProgress> PruneAsync(DateTimeOffset minutesBefore, DateTimeOffset hoursBefore, int maxBatches, CancellationToken cancellationToken)
    {
        var minutes = await batches.DeleteAsync(
            db => db.NodeMetricRollups.Where(r => r.Resolution == MetricResolution.Minute && r.BucketStart < minutesBefore).OrderBy(r => r.BucketStart),
            maxBatches,
            cancellationToken);
        if (minutes.More)
        {
            return minutes;
        }

        var hours = await batches.DeleteAsync(
            db => db.NodeMetricRollups.Where(r => r.Resolution == MetricResolution.Hour && r.BucketStart < hoursBefore).OrderBy(r => r.BucketStart),
            maxBatches,
            cancellationToken);
        return new DeleteProgress(minutes.Deleted + hours.Deleted, hours.More);
    }

    /// <summary>One node's stored rollups of a resolution from <paramref name="from"/> on, oldest first.</summary>
    public async Task<IReadOnlyList<MetricBucket>> ReadAsync(
        Guid nodeId, MetricResolution resolution, DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.NodeMetricRollups.AsNoTracking()
            .Where(r => r.NodeId == nodeId && r.Resolution == resolution && r.BucketStart >= from)
            .OrderBy(r => r.BucketStart)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(MetricBucket.From)];
    }

    private static void AddHour(List<NodeMetricRollup> rows, List<MetricBucket> nodeMinutes, DateTimeOffset hour)
    {
        if (nodeMinutes.Count > 0 && MetricRollup.Combine(nodeMinutes[0].NodeId, MetricResolution.Hour, hour, nodeMinutes) is { } combined)
        {
            rows.Add(combined.ToRow());
        }

        nodeMinutes.Clear();
    }
}
