using Vigil.Shared.Roles;

namespace Vigil.Agent.Roles;

/// <summary>What this node holds for one failover group. The lease is in monotonic time and never stored.</summary>
public sealed record GroupRole
{
    /// <summary>Terms of a role stored before terms had versions: the safe isolation, and any version the control plane sends wins.</summary>
    public static readonly RoleTerms UnversionedTerms = new() { Version = 0, Isolation = IsolationPolicy.Stop };

    public required Guid GroupId { get; init; }

    public required string GroupName { get; init; }

    public required string Service { get; init; }

    /// <summary>The highest epoch seen for the group.</summary>
    public required long Epoch { get; init; }

    public required bool Active { get; init; }

    /// <summary>The terms of the highest version seen for the group.</summary>
    public RoleTerms Terms { get; init; } = UnversionedTerms;

    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The control plane's margin past the lease's end; a fenced service still up after half of it is killed.</summary>
    public TimeSpan FenceAllowance { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>When the lease ends, on the agent's monotonic clock; null until the first renewal after activation.</summary>
    public TimeSpan? LeaseExpiresAt { get; init; }

    /// <summary>The agent gave the active role up because it is stopping: its service is fenced, not stopped at leisure.</summary>
    public bool StoodDown { get; init; }

    /// <summary>
    /// A Deactivate at <see cref="Epoch"/> was carried out: the control plane may count its confirmation
    /// as a release, so an Activate at this same epoch is refused (only a newer epoch makes this node
    /// active again). Kept on disk with the epoch.
    /// </summary>
    public bool Deactivated { get; init; }

    public IsolationPolicy Isolation => Terms.Isolation;

    public int LocalRestarts => Terms.LocalRestarts;

    public TimeSpan LocalRestartWindow => TimeSpan.FromMilliseconds(Terms.LocalRestartWindowMs);

    public bool HoldsLease(TimeSpan now) => Active && LeaseExpiresAt is { } end && now < end;

    /// <summary>The newer of the role's terms and <paramref name="offered"/>: terms never go back to an older version.</summary>
    public RoleTerms NewerTerms(RoleTerms? offered) => offered is not null && offered.Version > Terms.Version ? offered : Terms;

    public static GroupRole From(RoleGrant grant, string service, bool active) => new()
    {
        GroupId = grant.GroupId,
        GroupName = grant.GroupName,
        Service = service,
        Epoch = grant.Epoch,
        Active = active,
        Terms = grant.Terms ?? UnversionedTerms,
        Lease = TimeSpan.FromMilliseconds(grant.LeaseMs),
        FenceAllowance = TimeSpan.FromMilliseconds(grant.FenceAllowanceMs),
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

    /// <summary>
    /// The stop is a fence: the service may be exercising an active role nobody vouches for any more,
    /// so it is stopped at once and killed when still up after <see cref="KillAfter"/>; an operation
    /// under way (a start, a restart) is cancelled.
    /// </summary>
    public bool Fence { get; init; }

    /// <summary>How long from now a fenced service may take to stop before it is killed.</summary>
    public TimeSpan KillAfter { get; init; }

    /// <summary>
    /// The role is active at its epoch and its lease is on its way: no renewal has come yet since the
    /// activation, or since this run of the agent began. A start waits for it rather than being refused;
    /// a lease that lapsed is not on its way.
    /// </summary>
    public bool AwaitsLease { get; init; }

    /// <summary>Why the service is held, in an operator's words; null when it is not.</summary>
    public string? Reason { get; init; }

    /// <summary>The service belongs to a failover group.</summary>
    public GroupRole? Role { get; init; }

    /// <summary>When to ask again (the lease ends), relative to now.</summary>
    public TimeSpan? ReviewIn { get; init; }
}
