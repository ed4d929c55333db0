using Vigil.ControlPlane.Failover;

namespace Vigil.ControlPlane.Components.Groups;

/// <summary>A failover group as its form edits it; it becomes the same request the REST API takes.</summary>
public sealed class GroupDraft
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public List<MemberDraft> Members { get; set; } = [new MemberDraft { Priority = 1 }];

    public string Isolation { get; set; } = "Stop";

    public string Failback { get; set; } = "Manual";

    public int? FailbackAfterSeconds { get; set; } = 300;

    public int? FailbackWindowStartHour { get; set; }

    public int? FailbackWindowEndHour { get; set; }

    public int? CooldownSeconds { get; set; } = 60;

    public int? MaxFailovers { get; set; } = 3;

    public int? MaxFailoversPeriodSeconds { get; set; } = 3600;

    public int? RtoObjectiveSeconds { get; set; } = 5;

    public string? DrillSchedule { get; set; }

    public string DrillKind { get; set; } = "Switchover";

    public static GroupDraft From(GroupResponse group) => new()
    {
        Name = group.Name,
        Description = group.Description,
        Members = [.. group.Members.Select(m => new MemberDraft { NodeId = m.NodeId, Service = m.Service, Priority = m.Priority })],
        Isolation = group.Policy.Isolation.ToString(),
        Failback = group.Policy.Failback.ToString(),
        FailbackAfterSeconds = group.Policy.FailbackAfterSeconds,
        FailbackWindowStartHour = group.Policy.FailbackWindowStartHour,
        FailbackWindowEndHour = group.Policy.FailbackWindowEndHour,
        CooldownSeconds = group.Policy.CooldownSeconds,
        MaxFailovers = group.Policy.MaxFailovers,
        MaxFailoversPeriodSeconds = group.Policy.MaxFailoversPeriodSeconds,
        RtoObjectiveSeconds = group.RtoObjectiveSeconds,
        DrillSchedule = group.DrillSchedule,
        DrillKind = group.DrillKind.ToString(),
    };

    public GroupRequest ToRequest() => new()
    {
        Name = Name?.Trim(),
        Description = string.IsNullOrWhiteSpace(Description) ? null : Description,
        Members = [.. Members.Select(m => new MemberRequest { NodeId = m.NodeId, Service = m.Service, Priority = m.Priority })],
        Policy = new PolicyRequest
        {
            Isolation = Isolation,
            Failback = Failback,
            FailbackAfterSeconds = FailbackAfterSeconds,
            FailbackWindowStartHour = FailbackWindowStartHour,
            FailbackWindowEndHour = FailbackWindowEndHour,
            CooldownSeconds = CooldownSeconds,
            MaxFailovers = MaxFailovers,
            MaxFailoversPeriodSeconds = MaxFailoversPeriodSeconds,
        },
        RtoObjectiveSeconds = RtoObjectiveSeconds,
        Drills = new DrillScheduleRequest { Schedule = DrillSchedule, Kind = DrillKind },
    };
}

public sealed class MemberDraft
{
    public Guid? NodeId { get; set; }

    public string? Service { get; set; }

    public int? Priority { get; set; } = 100;
}
