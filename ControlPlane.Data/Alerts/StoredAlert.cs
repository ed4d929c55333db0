namespace Vigil.ControlPlane.Data.Alerts;

/// <summary>
/// One alert as last stored: the columns lists and filters need, and the whole alert as JSON
/// (its target, summary, action and times) for the control plane to carry on after a restart.
/// </summary>
public sealed class StoredAlert
{
    public Guid Id { get; set; }

    public Guid RuleId { get; set; }

    public required string TargetKey { get; set; }

    public required string Status { get; set; }

    public required string Severity { get; set; }

    public required string Condition { get; set; }

    public required string Summary { get; set; }

    public DateTimeOffset FiredAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public required string Document { get; set; }
}

/// <summary>Where one delivery of a notification stands: Pending until the channel took it (Sent) or gave up on it (Failed).</summary>
public enum AlertDeliveryState
{
    Pending,
    Sent,
    Failed,
}

/// <summary>One notification of an alert to one channel, and every attempt to send it.</summary>
public sealed class AlertDelivery
{
    public Guid Id { get; set; }

    public Guid AlertId { get; set; }

    public Guid ChannelId { get; set; }

    /// <summary>Fired, Repeated, Escalated, Resolved.</summary>
    public required string Notification { get; set; }

    /// <summary>The alert as it was when the notification was decided, as JSON: what the message says.</summary>
    public required string Alert { get; set; }

    public AlertDeliveryState State { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    /// <summary>When a Pending delivery is to be tried (again); null: at once.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
}
