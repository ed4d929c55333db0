using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>A node's CPU and memory over one minute or one hour: what is stored, charted and served.</summary>
public sealed record MetricBucket(
    Guid NodeId,
    MetricResolution Resolution,
    DateTimeOffset Start,
    double CpuAverage,
    double CpuMax,
    long MemoryUsedAverage,
    long MemoryTotal,
    int SampleCount)
{
    public static MetricBucket From(NodeMetricRollup row) => new(
        row.NodeId, row.Resolution, row.BucketStart, row.CpuAverage, row.CpuMax, row.MemoryUsedAverage, row.MemoryTotal, row.SampleCount);

    public NodeMetricRollup ToRow() => new()
    {
        NodeId = NodeId,
        Resolution = Resolution,
        BucketStart = Start,
        CpuAverage = CpuAverage,
        CpuMax = CpuMax,
        MemoryUsedAverage = MemoryUsedAverage,
        MemoryTotal = MemoryTotal,
        SampleCount = SampleCount,
    };
}
