namespace Vigil.ControlPlane.Failover;

/// <summary>The body of <c>POST</c> and <c>PUT /api/v1/groups</c>.</summary>
public sealed record GroupRequest
{
    /// <summary>Unique name: 1 to 64 letters, digits, '.', '_' or '-'.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The members: one managed service per node, by priority (1 is preferred first).</summary>
    public List<MemberRequest?>? Members { get; init; }

    public PolicyRequest? Policy { get; init; }

    /// <summary>The recovery time objective drills are judged against, in seconds (default 5).</summary>
    public int? RtoObjectiveSeconds { get; init; }

    public DrillScheduleRequest? Drills { get; init; }
}

public sealed record MemberRequest
{
    public Guid? NodeId { get; init; }

    /// <summary>The managed service's name on that node.</summary>
    public string? Service { get; init; }

    /// <summary>1 (preferred first) to 1000; default 100.</summary>
    public int? Priority { get; init; }
}

public sealed record PolicyRequest
{
    /// <summary>Stop (default): the active stops its service when its lease lapses. KeepRunning: an operator confirms a lost node is down.</summary>
    public string? Isolation { get; init; }

    /// <summary>Manual (default) or Automatic.</summary>
    public string? Failback { get; init; }

    /// <summary>Automatic failback after the preferred member has been ready this long (default 300).</summary>
    public int? FailbackAfterSeconds { get; init; }

    /// <summary>Automatic failback only from this UTC hour (0-23) ...</summary>
    public int? FailbackWindowStartHour { get; init; }

    /// <summary>... to before this one; both or neither.</summary>
    public int? FailbackWindowEndHour { get; init; }

    /// <summary>Least time between two changes of the active member (default 60).</summary>
    public int? CooldownSeconds { get; init; }

    /// <summary>At most this many automatic failovers (default 3) ...</summary>
    public int? MaxFailovers { get; init; }

    /// <summary>... within this period (default 3600); then failover stops until an operator acts.</summary>
    public int? MaxFailoversPeriodSeconds { get; init; }
}

public sealed record DrillScheduleRequest
{
    /// <summary>A Quartz cron expression, e.g. <c>0 0 3 ? * SUN</c> (Sundays at 03:00 UTC); none when empty.</summary>
    public string? Schedule { get; init; }

    /// <summary>Switchover (default) or FaultInjection.</summary>
    public string? Kind { get; init; }
}

/// <summary>The body of <c>POST /api/v1/groups/{id}/switchover</c>.</summary>
public sealed record SwitchoverBody
{
    /// <summary>The node to move the active role to; the best standby when not given.</summary>
    public Guid? TargetNodeId { get; init; }
}

/// <summary>The body of <c>POST /api/v1/groups/{id}/confirm-down</c>.</summary>
public sealed record ConfirmDownBody
{
    public Guid? NodeId { get; init; }
}

/// <summary>The body of <c>POST /api/v1/groups/{id}/drills</c>.</summary>
public sealed record DrillBody
{
    /// <summary>Switchover (default) or FaultInjection.</summary>
    public string? Kind { get; init; }
}
