using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>A span of history that can be asked for, and the resolution it is served at.</summary>
public sealed record MetricRange(string Name, TimeSpan Length, MetricResolution Resolution)
{
    public static readonly MetricRange OneHour = new("1h", TimeSpan.FromHours(1), MetricResolution.Minute);
    public static readonly MetricRange SixHours = new("6h", TimeSpan.FromHours(6), MetricResolution.Minute);
    public static readonly MetricRange OneDay = new("24h", TimeSpan.FromHours(24), MetricResolution.Minute);
    public static readonly MetricRange SevenDays = new("7d", TimeSpan.FromDays(7), MetricResolution.Hour);
    public static readonly MetricRange ThirtyDays = new("30d", TimeSpan.FromDays(30), MetricResolution.Hour);

    public static IReadOnlyList<MetricRange> All { get; } = [OneHour, SixHours, OneDay, SevenDays, ThirtyDays];

    /// <summary>The range named <paramref name="name"/> (any case); <see cref="OneHour"/> when null.</summary>
    public static MetricRange? Parse(string? name) =>
        name is null ? OneHour : All.FirstOrDefault(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The start of the first bucket shown when the range ends at <paramref name="now"/>.</summary>
    public DateTimeOffset FirstBucket(DateTimeOffset now) => MetricTime.StartOf(now - Length, Resolution);
}
