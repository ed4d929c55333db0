using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Data.Failover;

public enum FailbackMode
{
    /// <summary>The role stays where it is until an operator switches it over.</summary>
    Manual,

    /// <summary>The role returns to the preferred member once it has been healthy for a while.</summary>
    Automatic,
}

/// <summary>
/// One logical service run by one member at a time (active-passive). <see cref="Epoch"/> grows with
/// every change of the active member; it is the fencing token every role command carries, and the
/// concurrency token that makes a second decider lose.
/// </summary>
public sealed class FailoverGroup
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public IsolationPolicy Isolation { get; set; }

    public FailbackMode Failback { get; set; }

    /// <summary>Automatic failback: how long the preferred member must be healthy first.</summary>
    public int FailbackAfterSeconds { get; set; }

    /// <summary>Automatic failback only from this hour (0-23, control plane's UTC clock) ...</summary>
    public int? FailbackWindowStartHour { get; set; }

    /// <summary>... to before this hour; a window may wrap past midnight.</summary>
    public int? FailbackWindowEndHour { get; set; }

    public int CooldownSeconds { get; set; }

    /// <summary>At most this many automatic failovers within <see cref="MaxFailoversPeriodSeconds"/>; then the group stops failing over.</summary>
    public int MaxFailovers { get; set; }

    public int MaxFailoversPeriodSeconds { get; set; }

    /// <summary>The recovery time objective drills are judged against.</summary>
    public int RtoObjectiveSeconds { get; set; }

    /// <summary>Quartz cron expression of scheduled drills; none when null.</summary>
    public string? DrillSchedule { get; set; }

    public DrillKind DrillKind { get; set; }

    public long Epoch { get; set; }

    /// <summary>
    /// Grows with every change of the group's definition: the version of the terms (isolation, local
    /// restarts) every grant and lease renewal carries, so the active member always lives by the
    /// policy the control plane decides with.
    /// </summary>
    public long TermsVersion { get; set; }

    /// <summary>
    /// While the isolation is Stop: the lowest terms version since which it has been Stop without a
    /// break (0 for a group created with Stop). An agent holding any version from this one on stops
    /// its service when its lease lapses; one holding an older version may keep it running.
    /// </summary>
    public long StopSinceTermsVersion { get; set; }

    /// <summary>The terms version the active member was given when it became active: it holds that one or a newer one.</summary>
    public long ActiveTermsVersion { get; set; }

    public Guid? ActiveMemberId { get; set; }

    /// <summary>
    /// Written by a planned stop of the control plane before it answers heartbeats with long leases:
    /// until then the active member may hold its role without word from anyone, so a control plane that
    /// starts again activates no other member before this time (plus the fence allowance).
    /// </summary>
    public DateTimeOffset? HandoverLeaseUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<FailoverGroupMember> Members { get; set; } = [];
}

/// <summary>A managed service on a node that can run the group's service. Priority 1 is preferred first.</summary>
public sealed class FailoverGroupMember
{
    public Guid Id { get; set; }

    public Guid GroupId { get; set; }

    public Guid NodeId { get; set; }

    public required string Service { get; set; }

    public int Priority { get; set; }
}
