using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Failover;

/// <summary>
/// The coordinator's in-memory state of one group. Every access holds the instance's lock: the
/// coordinator's loop changes it, heartbeats read the epoch and active member to grant leases.
/// Times are monotonic timestamps of the control plane's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class LiveGroup(FailoverGroup definition)
{
    public FailoverGroup Definition { get; set; } = definition;

    public Guid Id => Definition.Id;

    public long Epoch => Definition.Epoch;

    public FailoverGroupMember? Active => Definition.Members.FirstOrDefault(m => m.Id == Definition.ActiveMemberId);

    public PendingTransition? Pending { get; set; }

    /// <summary>The history row of <see cref="Pending"/>, and when its failure was detected.</summary>
    public long? PendingRecordId { get; set; }

    public long PendingDetectedAt { get; set; }

    /// <summary>Since when the active member has been failing, as first seen; null while it is not.</summary>
    public long? FailingSince { get; set; }

    public bool PendingOverlap { get; set; }

    /// <summary>Two members exercise the role now (logged and recorded once per episode).</summary>
    public bool OverlapSeen { get; set; }

    /// <summary>Outside a transition: an Activate at the current epoch is on its way (until its outcome comes back).</summary>
    public long ActivateSentEpoch { get; set; } = -1;

    public string? ActivationFailure { get; set; }

    /// <summary>When the last automatic failover completed: the cooldown counts from it.</summary>
    public long? LastTransitionAt { get; set; }

    public List<long> RecentFailovers { get; } = [];

    public SwitchoverRequest? Switchover { get; set; }

    /// <summary>What the group is doing, for operators.</summary>
    public string Status { get; set; } = "starting";

    public bool Halted { get; set; }

    /// <summary>A signature of what operators saw at the last decision, to tell live views only when it moves.</summary>
    public int ViewSignature { get; set; }

    /// <summary>
    /// Each node's last renewal: when the heartbeat it acknowledged was received, and the report it
    /// answered — the very instance the registry keeps as that node's latest report until the next
    /// heartbeat replaces it, so "the latest report was answered with a lease" is a reference comparison.
    /// </summary>
    public Dictionary<Guid, LeaseGrant> LastGrants { get; } = [];

    /// <summary>
    /// From a planned restart of the control plane: the timestamp until which the member that was active
    /// then may hold the long lease it was given on the way out. Which member that was is not recorded (the
    /// group's active member may have changed since, a failover begun by a later run), so every member
    /// is counted as possibly holding it.
    /// </summary>
    public long? HandoverLeaseUntil { get; set; }

    /// <summary>During a planned stop, once recorded: the long lease the active member gets with a renewal until the timestamp <c>GivenUntil</c>.</summary>
    public (TimeSpan Lease, long GivenUntil)? LeaseOnTheWayOut { get; set; }

    /// <summary>During a planned stop: how many of the active member's heartbeats were answered with <see cref="LeaseOnTheWayOut"/>.</summary>
    public int LongLeasesGiven { get; set; }

    /// <summary>The epoch of the last Deactivate sent to each member.</summary>
    public Dictionary<Guid, long> DeactivateSentEpoch { get; } = [];

    /// <summary>Deactivates not answered yet, by command id: to which member, at which epoch, sent when.</summary>
    public Dictionary<Guid, DeactivateSent> DeactivatesOnTheirWay { get; } = [];

    /// <summary>When the last Activate was sent to each member (a timestamp).</summary>
    public Dictionary<Guid, long> ActivateSentAt { get; } = [];

    /// <summary>Each member's latest Deactivate that its agent answered as carried out.</summary>
    public Dictionary<Guid, DeactivateConfirmed> StandbyConfirmations { get; } = [];

    public HashSet<Guid> ConfirmedDownNodes { get; } = [];

    public Dictionary<Guid, long> EligibleSince { get; } = [];

    public Dictionary<Guid, List<long>> Failures { get; } = [];

    public void RecordFailure(Guid memberId, long at)
    {
        if (!Failures.TryGetValue(memberId, out var failures))
        {
            Failures[memberId] = failures = [];
        }

        failures.Add(at);
    }

    public GroupPolicy Policy => new()
    {
        Isolation = Definition.Isolation,
        Failback = Definition.Failback,
        FailbackAfter = TimeSpan.FromSeconds(Definition.FailbackAfterSeconds),
        FailbackWindowStartHour = Definition.FailbackWindowStartHour,
        FailbackWindowEndHour = Definition.FailbackWindowEndHour,
        Cooldown = TimeSpan.FromSeconds(Definition.CooldownSeconds),
        MaxFailovers = Definition.MaxFailovers,
        MaxFailoversPeriod = TimeSpan.FromSeconds(Definition.MaxFailoversPeriodSeconds),
    };

    /// <summary>The rules the active member lives by, versioned with the definition.</summary>
    public RoleTerms Terms => new()
    {
        Version = Definition.TermsVersion,
        Isolation = Definition.Isolation,
        // A warm standby beats a crash loop: with one, the active restarts once locally, then fails over.
        LocalRestarts = Definition.Members.Count > 1 ? 1 : 5,
        LocalRestartWindowMs = Definition.Members.Count > 1 ? 300_000 : 600_000,
    };

    public RoleGrant Grant(TimeSpan lease, TimeSpan fenceAllowance) => new()
    {
        GroupId = Id,
        GroupName = Definition.Name,
        Epoch = Epoch,
        LeaseMs = (int)lease.TotalMilliseconds,
        FenceAllowanceMs = (int)fenceAllowance.TotalMilliseconds,
        Terms = Terms,
    };

    public LeaseRenewal Renewal(TimeSpan lease, TimeSpan fenceAllowance) => new()
    {
        GroupId = Id,
        Epoch = Epoch,
        LeaseMs = (int)lease.TotalMilliseconds,
        FenceAllowanceMs = (int)fenceAllowance.TotalMilliseconds,
        Terms = Terms,
    };
}

/// <summary>A lease renewal as the coordinator remembers it: when and in answer to which report (none: never renewed).</summary>
internal readonly record struct LeaseGrant(long ReceivedAt, RoleReport? Report);

/// <summary>A Deactivate sent to a member at an epoch, at a timestamp.</summary>
internal readonly record struct DeactivateSent(Guid MemberId, long Epoch, long SentAt);

/// <summary>A Deactivate's answer "carried out": its epoch and send time, the connection the answer came on and when (timestamps).</summary>
internal readonly record struct DeactivateConfirmed(long Epoch, string Connection, long SentAt, long ReceivedAt);
