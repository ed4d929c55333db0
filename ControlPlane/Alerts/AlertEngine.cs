using System.Globalization;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// Decides what alerts open, repeat, escalate and resolve. Pure: a book, a signal or the passing of
/// time, the rules, the silences and "now" in; a new book, the changed alerts and the notifications out.
/// The shell (<see cref="AlertEvaluator"/>) stores the changes and hands the notifications to delivery.
/// </summary>
public static class AlertEngine
{
    /// <summary>Applies one observation to every enabled rule that watches it.</summary>
    public static AlertStep Observe(AlertBook book, AlertSignal signal, AlertContext context)
    {
        var change = new AlertChange(book, context);
        if (signal is ConditionObserved { Condition: var lasting } held && lasting.Clears())
        {
            change.Remember(held);
        }

        foreach (var rule in context.Rules.Where(r => r.Enabled && r.Scope.Covers(signal.Target)))
        {
            switch (signal)
            {
                case ConditionObserved observed when rule.Condition == observed.Condition:
                    change.Observe(rule, observed.Target, observed.Holds, observed.At, observed.Summary, observed.Action);
                    break;
                case MetricObserved reading when rule is { Condition: AlertCondition.MetricThreshold, Threshold: { } threshold }
                    && threshold.Metric == reading.Metric:
                    var (crossed, summary) = change.Measure(rule, threshold, reading);
                    change.Observe(rule, reading.Target, crossed, reading.At, summary, action: null);
                    break;
            }
        }

        return change.Result();
    }

    /// <summary>
    /// Fires held conditions that are due (including those a new or newly enabled rule watches), repeats,
    /// escalates, resolves quiet events, follows silences.
    /// </summary>
    public static AlertStep Tick(AlertBook book, AlertContext context)
    {
        var change = new AlertChange(book, context);
        change.Tick();
        return change.Result();
    }

    /// <summary>An operator acknowledged a firing alert: no more repeats or escalation. Unchanged when it is not firing.</summary>
    public static AlertStep Acknowledge(AlertBook book, Guid alertId, string by, DateTimeOffset now)
    {
        if (book.Find(alertId) is not { Status: AlertStatus.Firing } alert)
        {
            return AlertStep.Unchanged(book);
        }

        var acknowledged = alert with { Status = AlertStatus.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = by };
        return new AlertStep(
            book with { Open = book.Open.SetItem(new AlertKey(alert.RuleId, alert.Target.Key), acknowledged) },
            [acknowledged],
            []);
    }

    internal static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
