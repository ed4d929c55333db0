using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Health;

/// <summary>What the control plane knows about a node at one instant, as durations on its own
/// monotonic clock. No time measured on another machine ever appears here.</summary>
public readonly record struct LivenessEvidence
{
    /// <summary>The interval the agent announced when it registered.</summary>
    public required TimeSpan HeartbeatInterval { get; init; }

    /// <summary>Time since the last heartbeat was received, or since the control plane started
    /// when nothing has been heard from the node since then.</summary>
    public required TimeSpan Silence { get; init; }

    /// <summary>Time since the node's connection closed; null while it is connected or when no
    /// connection has been seen since the control plane started.</summary>
    public TimeSpan? SinceDisconnect { get; init; }

    /// <summary>False for a node known only from the database since the control plane started.</summary>
    public required bool HeardSinceStart { get; init; }

    /// <summary>The agent announced that it was stopping on purpose, and nothing was heard since.</summary>
    public bool StoppedOnPurpose { get; init; }

    /// <summary>The liveness stored before the control plane started (only used until heard from).</summary>
    public NodeLiveness StoredLiveness { get; init; }
}
