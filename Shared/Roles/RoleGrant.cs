namespace Vigil.Shared.Roles;

/// <summary>What happens to the active member's service when its lease lapses.</summary>
public enum IsolationPolicy
{
    /// <summary>The agent stops the service itself (self-fencing); a standby may then take over.</summary>
    Stop,

    /// <summary>The service keeps running; nobody replaces it until an operator confirms its node is down.</summary>
    KeepRunning,
}

/// <summary>
/// The group's rules the active member lives by. They change when an operator edits the group; each
/// change gets a higher <see cref="Version"/>, and an agent keeps the terms of the highest version it
/// has seen (whatever order grants and renewals arrive in) and reports that version, so the control
/// plane knows which isolation a member will apply when its lease lapses.
/// </summary>
public sealed record RoleTerms
{
    /// <summary>Grows with every change of the terms; never goes back.</summary>
    public required long Version { get; init; }

    public IsolationPolicy Isolation { get; init; } = IsolationPolicy.Stop;

    /// <summary>Restarts the agent may make on its own within <see cref="LocalRestartWindowMs"/> before it reports the service Failed.</summary>
    public int LocalRestarts { get; init; } = 1;

    public int LocalRestartWindowMs { get; init; } = 300_000;
}

/// <summary>The failover group a role command is about, and its fencing token.</summary>
public sealed record RoleGrant
{
    public required Guid GroupId { get; init; }

    public required string GroupName { get; init; }

    /// <summary>Grows with every change of the active member; an agent refuses any epoch below the highest it has seen.</summary>
    public required long Epoch { get; init; }

    /// <summary>How long each heartbeat acknowledgement keeps the active role, counted from the heartbeat's send.</summary>
    public required int LeaseMs { get; init; }

    /// <summary>The margin the control plane waits past a lease's end; a fenced service still up after half of it is killed.</summary>
    public int FenceAllowanceMs { get; init; } = 1000;

    public required RoleTerms Terms { get; init; }
}

/// <summary>
/// A heartbeat acknowledgement renews the lease of the active role of this group at this epoch, for
/// <see cref="LeaseMs"/> from the heartbeat's send, under these terms.
/// </summary>
public sealed record LeaseRenewal
{
    public required Guid GroupId { get; init; }

    public required long Epoch { get; init; }

    public required int LeaseMs { get; init; }

    public int FenceAllowanceMs { get; init; } = 1000;

    public required RoleTerms Terms { get; init; }
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

    /// <summary>The version of the terms the agent holds (see <see cref="RoleTerms"/>).</summary>
    public long TermsVersion { get; init; }

    /// <summary>The isolation of the terms the agent holds: what it does when its lease lapses.</summary>
    public IsolationPolicy Isolation { get; init; }
}
