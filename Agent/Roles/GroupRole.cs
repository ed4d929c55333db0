using Vigil.Shared.Roles;

namespace Vigil.Agent.Roles;

/// <summary>What this node holds for one failover group. The lease is in monotonic time and never stored.</summary>
public sealed record GroupRole
{
    public required Guid GroupId { get; init; }

    public required string GroupName { get; init; }

    public required string Service { get; init; }

    /// <summary>The highest epoch seen for the group.</summary>
    public required long Epoch { get; init; }

    public required bool Active { get; init; }

    public IsolationPolicy Isolation { get; init; } = IsolationPolicy.Stop;

    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(3);

    public int LocalRestarts { get; init; } = 1;

    public TimeSpan LocalRestartWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>When the lease ends, on the agent's monotonic clock; null until the first renewal after activation.</summary>
    public TimeSpan? LeaseExpiresAt { get; init; }

    public bool HoldsLease(TimeSpan now) => Active && LeaseExpiresAt is { } end && now < end;

    public static GroupRole From(RoleGrant grant, string service, bool active) => new()
    {
        GroupId = grant.GroupId,
        GroupName = grant.GroupName,
        Service = service,
        Epoch = grant.Epoch,
        Active = active,
        Isolation = grant.Isolation,
        Lease = TimeSpan.FromMilliseconds(grant.LeaseMs),
        LocalRestarts = grant.LocalRestarts,
        LocalRestartWindow = TimeSpan.FromMilliseconds(grant.LocalRestartWindowMs),
    };
}

/// <summary>What the roles allow a managed service to do right now.</summary>
public sealed record RoleAllowance
{
    public static readonly RoleAllowance Unrestricted = new() { MayStart = true, MayKeepRunning = true };

    /// <summary>The service may be started (or restarted).</summary>
    public required bool MayStart { get; init; }

    /// <summary>A running service may stay up; false means it must be stopped now.</summary>
    public required bool MayKeepRunning { get; init; }

    /// <summary>Why the service is held, in an operator's words; null when it is not.</summary>
    public string? Reason { get; init; }

    /// <summary>The service belongs to a failover group.</summary>
    public GroupRole? Role { get; init; }

    /// <summary>When to ask again (the lease ends), relative to now.</summary>
    public TimeSpan? ReviewIn { get; init; }
}
