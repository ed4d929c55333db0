namespace Vigil.Shared.Messages;

/// <summary>
/// Something that happened on the node. Each gets the next sequence number of its agent and waits
/// in the agent's durable outbox until the control plane confirms it stored it; the control plane
/// stores each (node, sequence) once.
/// </summary>
public sealed record AgentEvent
{
    public required long Sequence { get; init; }

    /// <summary>When it happened, by the agent's clock (for display; never compared across machines).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    public required AgentEventKind Kind { get; init; }

    /// <summary>The managed service concerned, if any.</summary>
    public string? Service { get; init; }

    public required string Message { get; init; }

    public int? ExitCode { get; init; }
}

public enum AgentEventKind
{
    AgentStarted,
    AgentStopping,
    ServiceStarted,
    ServiceExited,
    ServiceRestarting,
    ServiceGaveUp,
    ServiceStopped,
    ProbeFailed,
    ProbeRecovered,
    ConfigApplied,
    ConfigRejected,
    EventsDropped,
    RoleActivated,
    RoleDeactivated,
    Fenced,
    CommandExecuted,
}

/// <summary>Events sent together, in sequence order.</summary>
public sealed record AgentEventBatch
{
    public required IReadOnlyList<AgentEvent> Events { get; init; }
}

/// <summary>Every event up to and including <see cref="UpTo"/> is stored.</summary>
public sealed record EventsAck
{
    public required long UpTo { get; init; }
}
