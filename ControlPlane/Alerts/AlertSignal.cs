namespace Vigil.ControlPlane.Alerts;

/// <summary>Something the control plane observed that alert rules may care about.</summary>
public abstract record AlertSignal(AlertTarget Target, DateTimeOffset At);

/// <summary>
/// A condition began (<see cref="Holds"/> true) or ended for a target. For single-event conditions
/// only beginnings are sent. <see cref="Summary"/> says what happened, <see cref="Action"/> what Vigil did about it.
/// </summary>
public sealed record ConditionObserved(AlertCondition Condition, AlertTarget Target, bool Holds, DateTimeOffset At, string Summary)
    : AlertSignal(Target, At)
{
    public string? Action { get; init; }
}

/// <summary>One reading of a metric for a target (a node, a volume, a service).</summary>
public sealed record MetricObserved(AlertMetric Metric, AlertTarget Target, double Value, DateTimeOffset At) : AlertSignal(Target, At);
