namespace Vigil.ControlPlane.Metrics;

/// <summary>How node CPU and memory history is kept. Bound from the <c>Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>How long minute rollups are kept; the charts up to 24 h read them.</summary>
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long hourly rollups are kept; the 7-day and 30-day charts read them.</summary>
    public TimeSpan HourRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often completed minutes are written, in one batch.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after an hour ends its minutes are rolled up, so that late minutes are in.</summary>
    public TimeSpan RollupDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often rollups past their retention are deleted.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Completed minutes kept in memory while the database is away; beyond it the oldest give way.</summary>
    public int MaxPendingMinutes { get; set; } = 200_000;
}
