namespace Vigil.ControlPlane.Data.Failover;

public enum DrillKind
{
    /// <summary>A planned switchover to the best standby.</summary>
    Switchover,

    /// <summary>The agent kills the active service's process, as a crash would.</summary>
    FaultInjection,
}

public enum DrillOutcome
{
    Running,
    Passed,
    Failed,
}

/// <summary>A failover rehearsal and its report.</summary>
public sealed class Drill
{
    public Guid Id { get; set; }

    public Guid GroupId { get; set; }

    public DrillKind Kind { get; set; }

    /// <summary><c>operator</c> or <c>schedule</c>.</summary>
    public required string Trigger { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>From the fault (or request) to the control plane's decision.</summary>
    public long? DetectionMs { get; set; }

    /// <summary>From the fault (or request) to the new active's confirmation.</summary>
    public long? RtoMs { get; set; }

    public int RtoObjectiveSeconds { get; set; }

    public bool Overlap { get; set; }

    public DrillOutcome Outcome { get; set; }

    public string? Message { get; set; }
}
