namespace Vigil.ControlPlane.Failover;

/// <summary>
/// A named set of failover timings, chosen with <c>Failover:Profile</c>. A setting given on its own
/// (<c>Failover:Lease</c>, <c>Failover:FenceAllowance</c>) overrides the profile's value.
/// </summary>
public enum FailoverProfile
{
    /// <summary>Lease 3 s and fence allowance 1 s, for agents that heartbeat every second.</summary>
    Standard,

    /// <summary>Lease 1.5 s and fence allowance 0.5 s, for agents that heartbeat every 0.5 s: a lost active is replaced about twice as fast.</summary>
    Fast,
}

/// <summary>What a <see cref="FailoverProfile"/> stands for.</summary>
/// <param name="Lease">How long each heartbeat acknowledgement keeps the active role.</param>
/// <param name="FenceAllowance">Margin past a lease's end before another member is activated.</param>
/// <param name="AgentHeartbeatInterval">
/// The agents' <c>Agent:HeartbeatInterval</c> the profile is meant for. It is the agent's own setting:
/// the control plane only refuses an agent whose interval is longer than half the lease.
/// </param>
public sealed record FailoverTimings(TimeSpan Lease, TimeSpan FenceAllowance, TimeSpan AgentHeartbeatInterval)
{
    public static FailoverTimings Of(FailoverProfile profile) => profile switch
    {
        FailoverProfile.Standard => new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
        FailoverProfile.Fast => new(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500)),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Failover:Profile must be Standard or Fast."),
    };

    /// <summary>The profile's values as the starting point of <paramref name="options"/>, before the settings given one by one are bound over them.</summary>
    public void ApplyTo(FailoverOptions options)
    {
        options.Lease = Lease;
        options.FenceAllowance = FenceAllowance;
    }
}
