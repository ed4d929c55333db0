using Vigil.ControlPlane.Data.Failover;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Failover;

/// <summary>A failover group as the REST API returns it: definition, live status and members.</summary>
public sealed record GroupResponse(
    Guid Id,
    string Name,
    string? Description,
    long Epoch,
    long TermsVersion,
    Guid? ActiveNodeId,
    string? ActiveNodeName,
    string Status,
    bool Halted,
    TransitionResponse? Transition,
    PolicyResponse Policy,
    int RtoObjectiveSeconds,
    string? DrillSchedule,
    DrillKind DrillKind,
    IReadOnlyList<MemberResponse> Members,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static GroupResponse From(GroupView view)
    {
        var group = view.Definition;
        var active = view.Members.FirstOrDefault(m => m.MemberId == group.ActiveMemberId);
        return new GroupResponse(
            group.Id,
            group.Name,
            group.Description,
            group.Epoch,
            group.TermsVersion,
            active?.NodeId,
            active?.NodeName,
            view.Status,
            view.Halted,
            view.Pending is { } pending ? new TransitionResponse(pending.Kind, pending.Epoch, NodeOf(view, pending.FromMemberId), NodeOf(view, pending.ToMemberId), pending.ActivateSent) : null,
            new PolicyResponse(group.Isolation, group.Failback, group.FailbackAfterSeconds, group.FailbackWindowStartHour, group.FailbackWindowEndHour,
                group.CooldownSeconds, group.MaxFailovers, group.MaxFailoversPeriodSeconds),
            group.RtoObjectiveSeconds,
            group.DrillSchedule,
            group.DrillKind,
            [.. view.Members.OrderBy(m => m.Priority).Select(m => MemberResponse.From(m, m.MemberId == group.ActiveMemberId))],
            group.CreatedAt,
            group.UpdatedAt);
    }

    private static Guid? NodeOf(GroupView view, Guid? memberId) => view.Members.FirstOrDefault(m => m.MemberId == memberId)?.NodeId;
}

public sealed record TransitionResponse(TransitionKind Kind, long Epoch, Guid? FromNodeId, Guid? ToNodeId, bool ActivateSent);

public sealed record PolicyResponse(
    IsolationPolicy Isolation,
    FailbackMode Failback,
    int FailbackAfterSeconds,
    int? FailbackWindowStartHour,
    int? FailbackWindowEndHour,
    int CooldownSeconds,
    int MaxFailovers,
    int MaxFailoversPeriodSeconds);

/// <summary>One member: whether it is the chosen active, what its agent reports, whether its node is in maintenance, and whether it could take over.</summary>
public sealed record MemberResponse(
    Guid Id,
    Guid NodeId,
    string NodeName,
    string Service,
    int Priority,
    bool Active,
    bool Reachable,
    ServiceHealth? Health,
    string? HealthReason,
    long? ReportedEpoch,
    long? ReportedTermsVersion,
    bool? ReportsActive,
    bool? HoldsLease,
    [property: System.ComponentModel.Description("The member's node is in maintenance now: it keeps what it holds but is never chosen to take the active role.")] bool InMaintenance,
    bool Eligible)
{
    public static MemberResponse From(MemberView member, bool active) => new(
        member.MemberId, member.NodeId, member.NodeName, member.Service, member.Priority, active, member.Reachable, member.Health, member.HealthReason,
        member.Role?.Epoch, member.Role?.TermsVersion, member.Role?.Active, member.Role?.HoldsLease, member.InMaintenance, FailoverEngine.IsEligible(member));
}

/// <summary>One entry of a group's failover history.</summary>
public sealed record HistoryResponse(
    long Id,
    TransitionKind Kind,
    Guid? FromNodeId,
    Guid ToNodeId,
    string Service,
    long Epoch,
    string Reason,
    DateTimeOffset DetectedAt,
    DateTimeOffset DecidedAt,
    DateTimeOffset? CommandedAt,
    DateTimeOffset? ConfirmedAt,
    long? RtoMs,
    TransitionOutcome Outcome,
    bool Overlap,
    Guid? DrillId)
{
    public static HistoryResponse From(FailoverRecord r) => new(
        r.Id, r.Kind, r.FromNodeId, r.ToNodeId, r.Service, r.Epoch, r.Reason, r.DetectedAt, r.DecidedAt, r.CommandedAt, r.ConfirmedAt, r.RtoMs, r.Outcome, r.Overlap, r.DrillId);
}

/// <summary>A drill and its report.</summary>
public sealed record DrillResponse(
    Guid Id,
    Guid GroupId,
    DrillKind Kind,
    string Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long? DetectionMs,
    long? RtoMs,
    int RtoObjectiveSeconds,
    bool Overlap,
    DrillOutcome Outcome,
    string? Message)
{
    public static DrillResponse From(Drill d) => new(
        d.Id, d.GroupId, d.Kind, d.Trigger, d.StartedAt, d.FinishedAt, d.DetectionMs, d.RtoMs, d.RtoObjectiveSeconds, d.Overlap, d.Outcome, d.Message);
}
