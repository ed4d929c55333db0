namespace Vigil.ControlPlane.Alerts;

/// <summary>What an alert rule watches for.</summary>
public enum AlertCondition
{
    /// <summary>A node is not heard from (Suspect, or worse); clears when it is back or stopped on purpose.</summary>
    NodeSuspect,

    /// <summary>A node is Lost; clears when it is back or stopped on purpose.</summary>
    NodeLost,

    /// <summary>A managed service is Unhealthy or Failed; clears when it recovers.</summary>
    ServiceUnhealthy,

    /// <summary>A managed service spent its restart budget (Failed); clears when it recovers.</summary>
    ServiceFailed,

    /// <summary>A failover moved a group's active role (a single event).</summary>
    FailoverCompleted,

    /// <summary>A failover did not complete (a single event).</summary>
    FailoverFailed,

    /// <summary>A switchover moved a group's active role (a single event).</summary>
    SwitchoverCompleted,

    /// <summary>A switchover did not complete (a single event).</summary>
    SwitchoverFailed,

    /// <summary>A group stopped failing over (too many failovers in its period); clears when it resumes.</summary>
    GroupHalted,

    /// <summary>A group has no active member; clears when one is active.</summary>
    GroupWithoutActive,

    /// <summary>An active member was fenced: its lease was withheld or it was stopped to keep one active (a single event).</summary>
    Fencing,

    /// <summary>A drill did not meet its goal (a single event).</summary>
    DrillFailed,

    /// <summary>An agent waits for an admin's approval; clears when approved or refused.</summary>
    AgentAwaitingApproval,

    /// <summary>An operator or failover command failed, timed out or expired (a single event).</summary>
    CommandFailed,

    /// <summary>A metric crossed its threshold; clears when it is back.</summary>
    MetricThreshold,
}

public static class AlertConditions
{
    /// <summary>
    /// True for a condition that holds for a while and clears by itself (a node lost, then back);
    /// false for a single event (a failover completed), whose alert resolves after a quiet period.
    /// </summary>
    public static bool Clears(this AlertCondition condition) => condition switch
    {
        AlertCondition.NodeSuspect or AlertCondition.NodeLost or AlertCondition.ServiceUnhealthy or AlertCondition.ServiceFailed
            or AlertCondition.GroupHalted or AlertCondition.GroupWithoutActive or AlertCondition.AgentAwaitingApproval
            or AlertCondition.MetricThreshold => true,
        _ => false,
    };
}

/// <summary>How urgent an alert is.</summary>
public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}
