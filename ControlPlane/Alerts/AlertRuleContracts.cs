using System.ComponentModel;

namespace Vigil.ControlPlane.Alerts;

/// <summary>An alert rule as an operator creates or replaces it.</summary>
public sealed record AlertRuleRequest(
    [property: Description("A unique name, at most 128 characters.")] string? Name,
    [property: Description("What the rule watches for.")] AlertCondition? Condition,
    [property: Description("Info, Warning (the default) or Critical.")] AlertSeverity? Severity,
    [property: Description("The nodes (by name), node labels (key=value), groups and services it covers; each non-empty list must match, empty lists match all.")] AlertScope? Scope,
    [property: Description("Ids of the channels told when the alert fires, repeats and resolves.")] IReadOnlyList<Guid>? Channels,
    [property: Description("For MetricThreshold (required there, refused elsewhere): the metric, the comparison and the value.")] ThresholdRequest? Threshold,
    [property: Description("Seconds the condition must hold before the alert fires, 0 to 86400; 0 (the default) fires at once.")] int? ForSeconds,
    [property: Description("While the alert fires unacknowledged, tell the channels again this often, in seconds (60 to 604800); absent: once.")] int? RepeatIntervalSeconds,
    [property: Description("Further channels told when the alert stays unacknowledged this long.")] EscalationRequest? Escalation,
    [property: Description("Seconds without a recurrence after which a single-event alert resolves, 60 to 604800 (default 900).")] int? QuietPeriodSeconds,
    [property: Description("Whether the rule is evaluated (default true).")] bool? Enabled);

/// <summary>When a metric counts as crossed.</summary>
public sealed record ThresholdRequest(
    [property: Description("The metric.")] AlertMetric? Metric,
    [property: Description("Above, Below or GrowsBy.")] ThresholdComparison? Comparison,
    [property: Description("The threshold: a percentage for the percent metrics, a count or bytes for the others.")] double? Value,
    [property: Description("For GrowsBy: the span the growth is measured over, in seconds (60 to 604800).")] int? WindowSeconds);

/// <summary>Channels told when an alert stays unacknowledged.</summary>
public sealed record EscalationRequest(
    [property: Description("Seconds after firing without an acknowledgement, 60 to 604800.")] int? AfterSeconds,
    [property: Description("Ids of the further channels.")] IReadOnlyList<Guid>? Channels);

/// <summary>An alert rule as the API shows it.</summary>
public sealed record AlertRuleResponse(
    Guid Id,
    string Name,
    AlertCondition Condition,
    AlertSeverity Severity,
    AlertScope Scope,
    IReadOnlyList<Guid> Channels,
    ThresholdRequest? Threshold,
    int ForSeconds,
    int? RepeatIntervalSeconds,
    EscalationRequest? Escalation,
    int QuietPeriodSeconds,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static AlertRuleResponse From(AlertRule rule, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new(
        rule.Id,
        rule.Name,
        rule.Condition,
        rule.Severity,
        rule.Scope,
        rule.Channels,
        rule.Threshold is { } threshold ? new ThresholdRequest(threshold.Metric, threshold.Comparison, threshold.Value, threshold.Window > TimeSpan.Zero ? (int)threshold.Window.TotalSeconds : null) : null,
        (int)rule.For.TotalSeconds,
        rule.RepeatInterval is { } repeat ? (int)repeat.TotalSeconds : null,
        rule.Escalation is { } escalation ? new EscalationRequest((int)escalation.After.TotalSeconds, escalation.Channels) : null,
        (int)rule.QuietPeriod.TotalSeconds,
        rule.Enabled,
        createdAt,
        updatedAt);
}
