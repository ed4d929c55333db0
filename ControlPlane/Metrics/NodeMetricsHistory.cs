using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>Reads a node's CPU and memory history: stored rollups joined with the minutes still in memory.</summary>
public sealed class NodeMetricsHistory(MetricRollupStore store, NodeMetricsAccumulator accumulator, TimeProvider time)
{
    public async Task<MetricHistory> ReadAsync(Guid nodeId, MetricRange range, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var from = range.FirstBucket(now);
        IReadOnlyList<MetricBucket> hours = [];
        var minutesFrom = from;
        if (range.Resolution == MetricResolution.Hour)
        {
            hours = await store.ReadAsync(nodeId, MetricResolution.Hour, from, cancellationToken);
            if (hours.Count > 0)
            {
                minutesFrom = hours[^1].Start + MetricTime.Hour;
            }
        }

        var minutes = await store.ReadAsync(nodeId, MetricResolution.Minute, minutesFrom, cancellationToken);
        var (open, lastCompleted) = accumulator.Recent(nodeId);
        return MetricHistory.Assemble(nodeId, range, now, minutes, hours, open, lastCompleted);
    }
}
