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

    /// <summary>Outside a transition: an Activate at the current epoch is on its way, or failed (why).</summary>
    public long ActivateSentEpoch { get; set; } = -1;

    public string? ActivationFailure { get; set; }

    /// <summary>When the last automatic failover completed: the cooldown counts from it.</summary>
    public long? LastTransitionAt { get; set; }

    public List<long> RecentFailovers { get; } = [];

    public SwitchoverRequest? Switchover { get; set; }

    /// <summary>What the group is doing, for operators.</summary>
    public string Status { get; set; } = "starting";

    public bool Halted { get; set; }

    /// <summary>When this control plane last renewed each node's lease (receipt of the heartbeat it acknowledged).</summary>
    public Dictionary<Guid, long> LastGrant { get; } = [];

    /// <summary>The epoch of the last Deactivate sent to each member.</summary>
    public Dictionary<Guid, long> DeactivateSentEpoch { get; } = [];

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

    public RoleGrant Grant(TimeSpan lease, bool standbyExists) => new()
    {
        GroupId = Id,
        GroupName = Definition.Name,
        Epoch = Epoch,
        Isolation = Definition.Isolation,
        LeaseMs = (int)lease.TotalMilliseconds,
        // A warm standby beats a crash loop: with one, the active restarts once locally, then fails over.
        LocalRestarts = standbyExists ? 1 : 5,
        LocalRestartWindowMs = standbyExists ? 300_000 : 600_000,
    };
}
