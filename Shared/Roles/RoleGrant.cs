namespace Vigil.Shared.Roles;

/// <summary>What happens to the active member's service when its lease lapses.</summary>
public enum IsolationPolicy
{
    /// <summary>The agent stops the service itself (self-fencing); a standby may then take over.</summary>
    Stop,

    /// <summary>The service keeps running; nobody replaces it until an operator confirms its node is down.</summary>
    KeepRunning,
}

/// <summary>The failover group a role command is about, and its fencing token.</summary>
public sealed record RoleGrant
{
    public required Guid GroupId { get; init; }

    public required string GroupName { get; init; }

    /// <summary>Grows with every change of the active member; an agent refuses any epoch below the highest it has seen.</summary>
    public required long Epoch { get; init; }

    public IsolationPolicy Isolation { get; init; } = IsolationPolicy.Stop;

    /// <summary>How long each heartbeat acknowledgement keeps the active role, counted from the heartbeat's send.</summary>
    public required int LeaseMs { get; init; }

    /// <summary>Restarts the agent may make on its own within <see cref="LocalRestartWindowMs"/> before it reports the service Failed.</summary>
    public int LocalRestarts { get; init; } = 1;

    public int LocalRestartWindowMs { get; init; } = 300_000;
}

/// <summary>A heartbeat acknowledgement renews the lease of the active role of this group at this epoch.</summary>
public sealed record LeaseRenewal
{
    public required Guid GroupId { get; init; }

    public required long Epoch { get; init; }

    public required int LeaseMs { get; init; }
}

/// <summary>What the agent holds for one failover group, reported with every heartbeat.</summary>
public sealed record RoleReport
{
    public required Guid GroupId { get; init; }

    public required string Service { get; init; }

    /// <summary>The highest epoch the agent has seen for the group.</summary>
    public required long Epoch { get; init; }

    /// <summary>The agent holds the active role (which it may not exercise without a lease).</summary>
    public required bool Active { get; init; }

    /// <summary>The active role's lease is valid now.</summary>
    public bool HoldsLease { get; init; }

    /// <summary>The member's service is up (whatever the role: a standby still stopping counts).</summary>
    public bool ServiceUp { get; init; }
}
