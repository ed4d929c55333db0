namespace Vigil.ControlPlane.Alerts;

/// <summary>What a silence matcher compares.</summary>
public enum SilenceField
{
    Rule,
    Condition,
    Node,

    /// <summary>A node label as <c>key=value</c>.</summary>
    NodeLabel,
    Service,
    Group,
}

/// <summary>One equality test of a silence (names compared ignoring case, rule ids and labels exactly).</summary>
public sealed record SilenceMatcher(SilenceField Field, string Value)
{
    public bool Matches(AlertRule rule, AlertTarget target) => Field switch
    {
        SilenceField.Rule => Guid.TryParse(Value, out var ruleId) && ruleId == rule.Id,
        SilenceField.Condition => Enum.TryParse<AlertCondition>(Value, ignoreCase: true, out var condition) && condition == rule.Condition,
        SilenceField.Node => Same(target.NodeName),
        SilenceField.NodeLabel => new AlertScope { NodeLabels = [Value] }.Covers(target),
        SilenceField.Service => Same(target.Service),
        SilenceField.Group => Same(target.Group),
        _ => false,
    };

    private bool Same(string? name) => string.Equals(name, Value, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Keeps channels quiet about alerts every matcher matches, from <see cref="StartsAt"/> until
/// <see cref="ExpiresAt"/>. Alerts still open and are recorded; a silence without matchers matches nothing.
/// </summary>
public sealed record Silence
{
    public required Guid Id { get; init; }

    public required IReadOnlyList<SilenceMatcher> Matchers { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required string CreatedBy { get; init; }

    public required string Reason { get; init; }

    public bool Silences(AlertRule rule, AlertTarget target, DateTimeOffset now) =>
        StartsAt <= now && now < ExpiresAt && Matchers.Count > 0 && Matchers.All(m => m.Matches(rule, target));
}
