using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.Benchmarks.Fleet;

/// <summary>
/// Node CPU and memory rollups as the control plane stores them: one row per node and minute (60
/// heartbeats at the default 1 s interval) within the minute retention, one per node and hour for
/// every hour.
/// </summary>
public static class FleetMetrics
{
    private const long MemoryTotal = 32L * 1024 * 1024 * 1024;

    public static IReadOnlyList<NodeMetricRollup> Rows(SimulatedFleet fleet, MetricResolution resolution, DateTimeOffset bucket, Random random) =>
        [.. fleet.Nodes.Select(node =>
        {
            var cpu = 5 + (random.NextDouble() * 60);
            return new NodeMetricRollup
            {
                NodeId = node.Id,
                Resolution = resolution,
                BucketStart = bucket,
                CpuAverage = Math.Round(cpu, 2),
                CpuMax = Math.Round(Math.Min(100, cpu * 1.4), 2),
                MemoryUsedAverage = (long)(MemoryTotal * (0.3 + (random.NextDouble() * 0.5))),
                MemoryTotal = MemoryTotal,
                SampleCount = resolution == MetricResolution.Minute ? 60 : 3_600,
            };
        })];
}
