namespace Vigil.ControlPlane.Retention;

/// <summary>How long history is kept. Bound from the <c>Retention</c> section; an age of 0 keeps forever.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Agent events, by when they were received.</summary>
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Finished commands (succeeded, failed, timed out, expired), by when they were created; pending and sent ones stay.</summary>
    public TimeSpan Commands { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Audit log entries.</summary>
    public TimeSpan Audit { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Resolved alerts with their deliveries, by when they were resolved; open ones and those with a delivery still pending stay.</summary>
    public TimeSpan Alerts { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Rows deleted per statement, so that a large table is never locked for long (metric rollups too); the next statement waits as long as this one took.</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>How long after start-up the first run begins.</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time between runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);
}
