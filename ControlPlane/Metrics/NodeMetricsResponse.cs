using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>A node's CPU and memory history as the API returns it.</summary>
public sealed record NodeMetricsResponse(
    Guid NodeId,
    string Range,
    MetricResolution Resolution,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<MetricPointResponse> Points,
    MetricPointResponse? Current)
{
    public static NodeMetricsResponse Of(MetricHistory history) => new(
        history.NodeId,
        history.Range.Name,
        history.Range.Resolution,
        history.From,
        history.To,
        [.. history.Points.Select(MetricPointResponse.From)],
        history.Current is { } current ? MetricPointResponse.From(current) : null);
}

/// <summary>One minute or hour: when it starts, CPU % (mean and highest), memory in use (mean) and total, in bytes.</summary>
public sealed record MetricPointResponse(
    DateTimeOffset Time, double CpuAverage, double CpuMax, long MemoryUsedAverage, long MemoryTotal, int SampleCount)
{
    public static MetricPointResponse From(MetricBucket bucket) =>
        new(bucket.Start, bucket.CpuAverage, bucket.CpuMax, bucket.MemoryUsedAverage, bucket.MemoryTotal, bucket.SampleCount);
}
