using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Metrics;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Tests.Metrics;

/// <summary>Builders of host metrics and buckets for the metric tests.</summary>
internal static class Samples
{
    public const long GiB = 1L << 30;

    /// <summary>2026-11-23 08:00:00 UTC, the start of a minute and of an hour.</summary>
    public static readonly DateTimeOffset Eight = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public static HostMetrics Host(double cpu, long usedGiB = 2, long totalGiB = 8) => new()
    {
        CpuPercent = cpu,
        MemoryTotalBytes = totalGiB * GiB,
        MemoryAvailableBytes = (totalGiB - usedGiB) * GiB,
        UptimeSeconds = 3600,
    };

    public static MetricBucket Minute(Guid nodeId, DateTimeOffset start, double cpuAverage, double cpuMax, long usedBytes, int samples, long totalBytes = 8 * GiB) =>
        new(nodeId, MetricResolution.Minute, start, cpuAverage, cpuMax, usedBytes, totalBytes, samples);
}
