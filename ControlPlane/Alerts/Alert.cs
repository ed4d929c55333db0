namespace Vigil.ControlPlane.Alerts;

/// <summary>Where an alert is in its life.</summary>
public enum AlertStatus
{
    Firing,
    Acknowledged,
    Resolved,
}

/// <summary>
/// One alert: a rule's condition holding for one target. At most one is open (firing or acknowledged)
/// per rule and target; a recurrence of a single event while it is open counts as an occurrence.
/// </summary>
public sealed record Alert
{
    public required Guid Id { get; init; }

    public required Guid RuleId { get; init; }

    public required string RuleName { get; init; }

    public required AlertCondition Condition { get; init; }

    public required AlertSeverity Severity { get; init; }

    public required AlertTarget Target { get; init; }

    public AlertStatus Status { get; init; }

    /// <summary>What happened, in an operator's words.</summary>
    public required string Summary { get; init; }

    /// <summary>What Vigil did about it, if anything.</summary>
    public string? Action { get; init; }

    /// <summary>When the condition began (before <see cref="FiredAt"/> when the rule waits for it to hold).</summary>
    public required DateTimeOffset Since { get; init; }

    public required DateTimeOffset FiredAt { get; init; }

    public required DateTimeOffset LastOccurredAt { get; init; }

    public int Occurrences { get; init; } = 1;

    /// <summary>When the channels were last told; null while a silence has kept them from it.</summary>
    public DateTimeOffset? LastNotifiedAt { get; init; }

    public DateTimeOffset? EscalatedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Why it resolved: the condition cleared ("node web-1 is back"), a quiet period, the rule removed.</summary>
    public string? Resolution { get; init; }

    /// <summary>A silence matches it: it is recorded, but no channel is told.</summary>
    public bool Silenced { get; init; }

    public bool IsOpen => Status != AlertStatus.Resolved;
}

/// <summary>Why the channels are told about an alert.</summary>
public enum NotificationKind
{
    Fired,
    Repeated,
    Escalated,
    Resolved,
}

/// <summary>Tell <see cref="Channels"/> about <see cref="Alert"/> (as it is at that moment).</summary>
public sealed record AlertNotification(Alert Alert, NotificationKind Kind, IReadOnlyList<Guid> Channels);
