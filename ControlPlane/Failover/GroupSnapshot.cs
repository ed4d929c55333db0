using Vigil.ControlPlane.Data.Failover;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Failover;

/// <summary>A group's policy in the engine's terms.</summary>
public sealed record GroupPolicy
{
    public IsolationPolicy Isolation { get; init; } = IsolationPolicy.Stop;

    public FailbackMode Failback { get; init; } = FailbackMode.Manual;

    public TimeSpan FailbackAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Automatic failback only when the hour (UTC) is in [start, end); null: any time.</summary>
    public int? FailbackWindowStartHour { get; init; }

    public int? FailbackWindowEndHour { get; init; }

    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxFailovers { get; init; } = 3;

    public TimeSpan MaxFailoversPeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a heartbeat acknowledgement keeps the active role.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Margin past a lease's end before anyone else may be activated.</summary>
    public TimeSpan FenceAllowance { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>One member as the engine sees it now. Times are on the control plane's monotonic clock.</summary>
public sealed record MemberView
{
    public required Guid MemberId { get; init; }

    public required Guid NodeId { get; init; }

    public required string NodeName { get; init; }

    public required string Service { get; init; }

    public required int Priority { get; init; }

    /// <summary>The node is Alive and its agent connected.</summary>
    public required bool Reachable { get; init; }

    /// <summary>The node is Lost or Stopped.</summary>
    public required bool NodeDown { get; init; }

    /// <summary>An operator confirmed the node is down (manual fencing).</summary>
    public bool ConfirmedDown { get; init; }

    /// <summary>The member's node is in maintenance: it keeps what it holds but is never chosen to take the active role.</summary>
    public bool InMaintenance { get; init; }

    /// <summary>The service's health from the latest heartbeat; null when the node does not report the service.</summary>
    public ServiceHealth? Health { get; init; }

    public string? HealthReason { get; init; }

    /// <summary>The latest heartbeat shows the service's process up (running, paused, or between states).</summary>
    public bool ServiceUp { get; init; }

    /// <summary>A heartbeat from the member's node arrived since its agent last registered, so <see cref="Role"/> is what the agent holds.</summary>
    public bool Reported { get; init; }

    /// <summary>
    /// This control plane answered the member's latest report with a lease renewal: the agent may hold
    /// a lease its report does not show yet, so that report proves nothing released.
    /// </summary>
    public bool LatestReportGranted { get; init; }

    /// <summary>
    /// The member surely lives by terms with isolation Stop (it stops its service when its lease
    /// lapses): the terms version it reported, or the least it can hold, is one since which the
    /// group's isolation has been Stop without a break. False when it may live by older KeepRunning terms.
    /// </summary>
    public bool HoldsStopTerms { get; init; }

    /// <summary>The member's role in this group from its latest heartbeat; null when it reports none.</summary>
    public RoleReport? Role { get; init; }

    /// <summary>When the lease this control plane last granted the member (or, unknown, its own start) ends for sure: lease + allowance after.</summary>
    public required TimeSpan LeaseSurelyEndedAt { get; init; }

    /// <summary>Failed activations and failures as active within the failover period.</summary>
    public int RecentFailures { get; init; }

    /// <summary>Since when the member has been a ready standby, for automatic failback; null while it is active or not ready.</summary>
    public TimeSpan? EligibleSince { get; init; }

    /// <summary>A Deactivate at the group's current epoch is already on its way.</summary>
    public bool DeactivateSent { get; init; }

    /// <summary>The connection that speaks for the member's node now; null while none does.</summary>
    public string? Connection { get; init; }

    /// <summary>When the latest report on <see cref="Connection"/> arrived; null before the first.</summary>
    public TimeSpan? ReportedAt { get; init; }

    /// <summary>When this control plane last sent the member an Activate (any epoch); null: not since it started.</summary>
    public TimeSpan? ActivateSentAt { get; init; }

    /// <summary>The latest Deactivate the member's agent answered as carried out; null when none.</summary>
    public StandbyConfirmation? Standby { get; init; }
}

/// <summary>
/// An agent's answer that it carried out a Deactivate: the role given up and kept on disk at
/// <see cref="Epoch"/>, the service seen stopped with no start under way, and no Activate at that epoch
/// taken any more. Times are on the control plane's monotonic clock.
/// </summary>
public sealed record StandbyConfirmation
{
    /// <summary>The epoch the Deactivate carried.</summary>
    public required long Epoch { get; init; }

    /// <summary>The agent connection the answer came on.</summary>
    public required string Connection { get; init; }

    /// <summary>When the Deactivate was sent.</summary>
    public required TimeSpan SentAt { get; init; }

    /// <summary>When the answer arrived.</summary>
    public required TimeSpan ReceivedAt { get; init; }
}

/// <summary>A change of the active member under way.</summary>
public sealed record PendingTransition
{
    public required TransitionKind Kind { get; init; }

    public required long Epoch { get; init; }

    public Guid? FromMemberId { get; init; }

    public required Guid ToMemberId { get; init; }

    /// <summary>The Activate was sent; the engine now waits for its confirmation.</summary>
    public bool ActivateSent { get; init; }

    /// <summary>The Activate came back Succeeded.</summary>
    public bool Confirmed { get; init; }

    /// <summary>The Activate failed, timed out or expired: why.</summary>
    public string? ActivationFailure { get; init; }
}

/// <summary>Everything a decision about one group depends on.</summary>
public sealed record GroupSnapshot
{
    public required Guid GroupId { get; init; }

    public required string Name { get; init; }

    public required long Epoch { get; init; }

    public Guid? ActiveMemberId { get; init; }

    public required GroupPolicy Policy { get; init; }

    public required IReadOnlyList<MemberView> Members { get; init; }

    public PendingTransition? Pending { get; init; }

    /// <summary>The last activation of the active member at the current epoch failed, and why.</summary>
    public string? ActivationFailure { get; init; }

    /// <summary>An Activate at the current epoch for the active member is on its way (outside any transition).</summary>
    public bool ActivateSent { get; init; }

    /// <summary>When the last automatic failover completed (monotonic), for the cooldown; null: none since start.</summary>
    public TimeSpan? LastTransitionAt { get; init; }

    /// <summary>When automatic failovers began within the period (monotonic).</summary>
    public IReadOnlyList<TimeSpan> RecentFailovers { get; init; } = [];

    /// <summary>An operator asked for a switchover: to this member, or to the best standby when empty.</summary>
    public SwitchoverRequest? Switchover { get; init; }

    /// <summary>The wall-clock hour (UTC) now, for failback windows only.</summary>
    public int HourOfDay { get; init; }
}

public sealed record SwitchoverRequest(Guid? ToMemberId, string Reason, TransitionKind Kind = TransitionKind.Switchover);
