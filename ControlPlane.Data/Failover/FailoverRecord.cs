namespace Vigil.ControlPlane.Data.Failover;

public enum TransitionKind
{
    /// <summary>The group had no active member and one was chosen.</summary>
    Election,
    Failover,
    Switchover,
    Failback,
}

public enum TransitionOutcome
{
    InProgress,
    Completed,

    /// <summary>The new active did not confirm; a later transition took over.</summary>
    Failed,
}

/// <summary>The timeline of one change of a group's active member, and its recovery time.</summary>
public sealed class FailoverRecord
{
    public long Id { get; set; }

    public Guid GroupId { get; set; }

    public TransitionKind Kind { get; set; }

    public Guid? FromNodeId { get; set; }

    public Guid ToNodeId { get; set; }

    public required string Service { get; set; }

    public long Epoch { get; set; }

    public required string Reason { get; set; }

    /// <summary>When the failure was noticed (or the switchover asked for).</summary>
    public DateTimeOffset DetectedAt { get; set; }

    /// <summary>When the new epoch was stored.</summary>
    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>When the new active was told to activate.</summary>
    public DateTimeOffset? CommandedAt { get; set; }

    /// <summary>When the new active confirmed its service runs.</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>Detected to confirmed, in milliseconds.</summary>
    public long? RtoMs { get; set; }

    public TransitionOutcome Outcome { get; set; }

    /// <summary>Two members held a valid active role at once while this ran (must never be true).</summary>
    public bool Overlap { get; set; }

    public Guid? DrillId { get; set; }
}
