namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>The <c>Alerts:Delivery</c> section: how messages to channels are sent and retried.</summary>
public sealed class AlertDeliveryOptions
{
    /// <summary>Attempts per delivery before it is marked Failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; each further failure doubles it.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts (also caps a receiver's Retry-After).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long one attempt may take, connection included, before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many messages are sent at the same time: the Hangfire server's worker count.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>How often Pending deliveries that have no job (or lost it) are given one.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<string> Problems(string section)
    {
        if (MaxAttempts is < 1 or > 100)
        {
            yield return $"{section}:MaxAttempts must be between 1 and 100.";
        }

        if (FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
        {
            yield return $"{section}:FirstRetryDelay must be positive and MaxRetryDelay at least as long.";
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{section}:Timeout must be between 00:00:00.001 and 00:05:00.";
        }

        if (Concurrency is < 1 or > 64)
        {
            yield return $"{section}:Concurrency must be between 1 and 64.";
        }

        if (SweepInterval <= TimeSpan.Zero || SweepInterval > TimeSpan.FromHours(1))
        {
            yield return $"{section}:SweepInterval must be between 00:00:00.001 and 01:00:00.";
        }
    }
}
