namespace Vigil.ControlPlane.Health;

/// <summary>When a silent node counts as Suspect or Lost. Bound from the <c>Liveness</c> section.</summary>
public sealed record LivenessPolicy
{
    public const string Section = "Liveness";

    /// <summary>Missed heartbeats after which a node is Suspect.</summary>
    public int SuspectAfterMissedHeartbeats { get; init; } = 2;

    /// <summary>Missed heartbeats after which a node is Lost.</summary>
    public int LostAfterMissedHeartbeats { get; init; } = 3;

    /// <summary>Heartbeat intervals a dropped connection has to come back before the node is Lost.</summary>
    public int LostAfterDisconnectIntervals { get; init; } = 1;

    /// <summary>
    /// After the control plane starts it knows nothing of its nodes; agents need time to notice and
    /// reconnect (their reconnect backoff). Nodes not yet heard from since start are Suspect, and Lost
    /// only once both this grace and the usual Lost threshold have passed.
    /// </summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often every node is re-evaluated for timeouts.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
