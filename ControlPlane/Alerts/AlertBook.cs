using System.Collections.Immutable;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Alerts;

/// <summary>One rule watching one target: the identity of an open alert.</summary>
public readonly record struct AlertKey(Guid RuleId, string TargetKey);

/// <summary>A condition that began but has not held for the rule's <see cref="AlertRule.For"/> yet.</summary>
public sealed record PendingCondition(AlertTarget Target, DateTimeOffset Since, string Summary, string? Action);

/// <summary>A metric reading kept to measure growth over a window.</summary>
public readonly record struct MetricReading(DateTimeOffset At, double Value);

/// <summary>A lasting condition of one target, whichever rules watch it.</summary>
public readonly record struct HeldKey(AlertCondition Condition, string TargetKey);

/// <summary>
/// The alert engine's whole state, immutable: the open alerts, the conditions waiting to have held
/// long enough, the lasting conditions that hold now (so a rule created or enabled meanwhile fires
/// for them), and the readings growth rules measure over.
/// </summary>
public sealed record AlertBook
{
    public static readonly AlertBook Empty = new();

    public ImmutableDictionary<AlertKey, Alert> Open { get; init; } = ImmutableDictionary<AlertKey, Alert>.Empty;

    public ImmutableDictionary<AlertKey, PendingCondition> Pending { get; init; } = ImmutableDictionary<AlertKey, PendingCondition>.Empty;

    /// <summary>Every lasting condition observed to hold and not yet to clear, as it was observed first.</summary>
    public ImmutableDictionary<HeldKey, ConditionObserved> Holding { get; init; } = ImmutableDictionary<HeldKey, ConditionObserved>.Empty;

    public ImmutableDictionary<AlertKey, ImmutableList<MetricReading>> Trails { get; init; } =
        ImmutableDictionary<AlertKey, ImmutableList<MetricReading>>.Empty;

    /// <summary>A book holding alerts that were open when the control plane stopped.</summary>
    public static AlertBook FromOpen(IEnumerable<Alert> open) => Empty with
    {
        Open = open.Where(a => a.IsOpen).ToImmutableDictionary(a => new AlertKey(a.RuleId, a.Target.Key)),
    };

    public Alert? Find(Guid alertId) => Open.Values.FirstOrDefault(a => a.Id == alertId);
}

/// <summary>What the rules, the silences, the nodes in maintenance and the clock are when the engine is asked.</summary>
public sealed record AlertContext(IReadOnlyList<AlertRule> Rules, IReadOnlyList<Silence> Silences, DateTimeOffset Now)
{
    /// <summary>
    /// Nodes put in maintenance: while it is in force, every alert about the node or its services is
    /// silenced, and every alert about a group that the node caused (<see cref="AlertTarget.CausedByNodeId"/>).
    /// </summary>
    public IReadOnlyDictionary<Guid, NodeMaintenance> Maintenance { get; init; } = ImmutableDictionary<Guid, NodeMaintenance>.Empty;

    public AlertRule? Rule(Guid ruleId) => Rules.FirstOrDefault(r => r.Id == ruleId && r.Enabled);

    public bool Silenced(AlertRule rule, AlertTarget target) =>
        InMaintenance(target.NodeId) || InMaintenance(target.CausedByNodeId) || Silences.Any(s => s.Silences(rule, target, Now));

    private bool InMaintenance(Guid? nodeId) =>
        nodeId is { } id && Maintenance.TryGetValue(id, out var maintenance) && maintenance.InForceAt(Now);
}

/// <summary>The engine's answer: the new book, the alerts that changed (to store) and whom to tell.</summary>
public sealed record AlertStep(AlertBook Book, IReadOnlyList<Alert> Changed, IReadOnlyList<AlertNotification> Notifications)
{
    public static AlertStep Unchanged(AlertBook book) => new(book, [], []);
}
