using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>Where buckets begin: whole UTC minutes and hours.</summary>
public static class MetricTime
{
    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public static DateTimeOffset StartOfMinute(DateTimeOffset instant) => Floor(instant, Minute);

    public static DateTimeOffset StartOfHour(DateTimeOffset instant) => Floor(instant, Hour);

    public static DateTimeOffset StartOf(DateTimeOffset instant, MetricResolution resolution) =>
        resolution == MetricResolution.Hour ? StartOfHour(instant) : StartOfMinute(instant);

    public static TimeSpan LengthOf(MetricResolution resolution) => resolution == MetricResolution.Hour ? Hour : Minute;

    private static DateTimeOffset Floor(DateTimeOffset instant, TimeSpan width)
    {
        var ticks = instant.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % width.Ticks), TimeSpan.Zero);
    }
}
