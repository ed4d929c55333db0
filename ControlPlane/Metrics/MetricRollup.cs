using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>Combines buckets into one: minutes into their hour, or two rows of the same minute into one.</summary>
public static class MetricRollup
{
    /// <summary>
    /// The bucket that covers all of <paramref name="parts"/>: averages weighted by sample count,
    /// the highest CPU and memory total; null when the parts hold no sample.
    /// </summary>
    public static MetricBucket? Combine(Guid nodeId, MetricResolution resolution, DateTimeOffset start, IEnumerable<MetricBucket> parts)
    {
        var samples = 0L;
        var cpuSum = 0d;
        var cpuMax = 0d;
        var memorySum = 0d;
        var memoryTotal = 0L;
        foreach (var part in parts)
        {
            if (part.SampleCount <= 0)
            {
                continue;
            }

            samples += part.SampleCount;
            cpuSum += part.CpuAverage * part.SampleCount;
            cpuMax = Math.Max(cpuMax, part.CpuMax);
            memorySum += (double)part.MemoryUsedAverage * part.SampleCount;
            memoryTotal = Math.Max(memoryTotal, part.MemoryTotal);
        }

        if (samples == 0)
        {
            return null;
        }

        return new MetricBucket(
            nodeId,
            resolution,
            start,
            cpuSum / samples,
            cpuMax,
            (long)Math.Round(memorySum / samples),
            memoryTotal,
            (int)Math.Min(samples, int.MaxValue));
    }

    /// <summary>
    /// Groups buckets by the <paramref name="resolution"/> bucket they fall in and combines each group,
    /// ordered by start. Several rows of one minute (written before and after a restart, or around a
    /// clock that stepped back) become one.
    /// </summary>
    public static IReadOnlyList<MetricBucket> Regroup(Guid nodeId, MetricResolution resolution, IEnumerable<MetricBucket> buckets) =>
        [.. buckets
            .GroupBy(b => MetricTime.StartOf(b.Start, resolution))
            .OrderBy(g => g.Key)
            .Select(g => Combine(nodeId, resolution, g.Key, g))
            .OfType<MetricBucket>()];
}
