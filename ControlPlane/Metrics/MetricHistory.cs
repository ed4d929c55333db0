using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>A node's history over a range: completed buckets, oldest first, and the open minute.</summary>
public sealed record MetricHistory(
    Guid NodeId, MetricRange Range, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MetricBucket> Points, MetricBucket? Current)
{
    /// <summary>
    /// Assembles what is stored and what is still in memory into the points of <paramref name="range"/>
    /// ending at <paramref name="now"/>. At minute resolution: the stored minutes, and the minute
    /// completed last when it is not stored yet. At hour resolution: the stored hours, then hours
    /// combined from the minutes after the last stored hour (the hours not rolled up yet, the current
    /// one included). Gaps stay gaps: a minute without heartbeats has no point.
    /// </summary>
    public static MetricHistory Assemble(
        Guid nodeId,
        MetricRange range,
        DateTimeOffset now,
        IReadOnlyList<MetricBucket> storedMinutes,
        IReadOnlyList<MetricBucket> storedHours,
        MetricBucket? open,
        MetricBucket? lastCompleted)
    {
        var from = range.FirstBucket(now);
        var minutes = MetricRollup.Regroup(nodeId, MetricResolution.Minute, storedMinutes.Where(m => m.Start >= MetricTime.StartOfMinute(from)));
        if (lastCompleted is not null && !minutes.Any(m => m.Start == lastCompleted.Start))
        {
            minutes = MetricRollup.Regroup(nodeId, MetricResolution.Minute, [.. minutes, lastCompleted]);
        }

        IReadOnlyList<MetricBucket> points;
        if (range.Resolution == MetricResolution.Minute)
        {
            points = [.. minutes.Where(m => m.Start >= from)];
        }
        else
        {
            var hours = MetricRollup.Regroup(nodeId, MetricResolution.Hour, storedHours.Where(h => h.Start >= from));
            var rolledUpTo = hours.Count > 0 ? hours[^1].Start + MetricTime.Hour : from;
            var recent = MetricRollup.Regroup(nodeId, MetricResolution.Hour, minutes.Where(m => m.Start >= rolledUpTo));
            points = [.. hours, .. recent];
        }

        var current = open is not null && open.Start >= from ? open : null;
        return new MetricHistory(nodeId, range, from, now, points, current);
    }
}
