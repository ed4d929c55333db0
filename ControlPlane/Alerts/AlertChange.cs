using System.Collections.Immutable;

namespace Vigil.ControlPlane.Alerts;

/// <summary>One step of <see cref="AlertEngine"/> in progress: the book being changed and what it produced.</summary>
internal sealed class AlertChange(AlertBook book, AlertContext context)
{
    private readonly ImmutableDictionary<AlertKey, Alert>.Builder _open = book.Open.ToBuilder();
    private readonly ImmutableDictionary<AlertKey, PendingCondition>.Builder _pending = book.Pending.ToBuilder();
    private readonly ImmutableDictionary<HeldKey, ConditionObserved>.Builder _holding = book.Holding.ToBuilder();
    private readonly ImmutableDictionary<AlertKey, ImmutableList<MetricReading>>.Builder _trails = book.Trails.ToBuilder();
    private readonly List<Alert> _changed = [];
    private readonly List<AlertNotification> _notifications = [];

    private DateTimeOffset Now => context.Now;

    public AlertStep Result() => new(
        new AlertBook { Open = _open.ToImmutable(), Pending = _pending.ToImmutable(), Holding = _holding.ToImmutable(), Trails = _trails.ToImmutable() },
        _changed,
        _notifications);

    public void Observe(AlertRule rule, AlertTarget target, bool holds, DateTimeOffset at, string summary, string? action)
    {
        var key = new AlertKey(rule.Id, target.Key);
        if (!rule.Condition.Clears())
        {
            if (holds)
            {
                Occurred(rule, key, target, at, summary, action);
            }

            return;
        }

        if (!holds)
        {
            _pending.Remove(key);
            if (_open.TryGetValue(key, out var open))
            {
                Resolve(rule, key, open, summary);
            }

            return;
        }

        if (_open.ContainsKey(key) || _pending.ContainsKey(key))
        {
            return;
        }

        var pending = new PendingCondition(target, at, summary, action);
        if (Due(rule, pending))
        {
            Fire(rule, key, pending);
        }
        else
        {
            _pending[key] = pending;
        }
    }

    /// <summary>Whether a metric reading crosses the rule's threshold, and the words for it.</summary>
    public (bool Crossed, string Summary) Measure(AlertRule rule, MetricThreshold threshold, MetricObserved reading)
    {
        var value = AlertEngine.Format(reading.Value);
        switch (threshold.Comparison)
        {
            case ThresholdComparison.Above:
                return (reading.Value > threshold.Value, $"{threshold.Metric} of {reading.Target.Describe()} is {value} (threshold: above {AlertEngine.Format(threshold.Value)})");
            case ThresholdComparison.Below:
                return (reading.Value < threshold.Value, $"{threshold.Metric} of {reading.Target.Describe()} is {value} (threshold: below {AlertEngine.Format(threshold.Value)})");
        }

        var key = new AlertKey(rule.Id, reading.Target.Key);
        var trail = Trim(_trails.GetValueOrDefault(key, []).Add(new MetricReading(reading.At, reading.Value)), reading.At - threshold.Window);
        _trails[key] = trail;
        var baseline = trail[0];
        var growth = reading.Value - baseline.Value;
        var covered = baseline.At <= reading.At - threshold.Window;
        return (covered && growth > threshold.Value,
            $"{threshold.Metric} of {reading.Target.Describe()} grew by {AlertEngine.Format(growth)} to {value} since {baseline.At:u} (threshold: {AlertEngine.Format(threshold.Value)} within {threshold.Window})");
    }

    /// <summary>Keeps a lasting condition while it holds (from its first observation), forgets it when it clears.</summary>
    public void Remember(ConditionObserved observed)
    {
        var key = new HeldKey(observed.Condition, observed.Target.Key);
        if (!observed.Holds)
        {
            _holding.Remove(key);
        }
        else if (!_holding.ContainsKey(key))
        {
            _holding[key] = observed;
        }
    }

    public void Tick()
    {
        TakeUpHeldConditions();
        foreach (var (key, pending) in _pending.ToList())
        {
            if (context.Rule(key.RuleId) is not { } rule)
            {
                _pending.Remove(key);
            }
            else if (Due(rule, pending))
            {
                _pending.Remove(key);
                Fire(rule, key, pending);
            }
        }

        foreach (var (key, alert) in _open.ToList())
        {
            if (context.Rule(key.RuleId) is not { } rule)
            {
                Resolve(rule: null, key, alert, "the rule was removed or disabled");
            }
            else if (!rule.Condition.Clears() && Now - alert.LastOccurredAt >= rule.QuietPeriod)
            {
                Resolve(rule, key, alert, $"no recurrence for {rule.QuietPeriod}");
            }
            else
            {
                Remind(rule, key, alert);
            }
        }

        foreach (var key in _trails.Keys.Where(k => context.Rule(k.RuleId) is null).ToList())
        {
            _trails.Remove(key);
        }
    }

    /// <summary>
    /// A rule that did not watch a lasting condition when it began (created, enabled or widened since)
    /// takes it up as if it had seen it begin: it fires once the condition has held for the rule's duration.
    /// </summary>
    private void TakeUpHeldConditions()
    {
        foreach (var held in _holding.Values)
        {
            foreach (var rule in context.Rules.Where(r => r.Enabled && r.Condition == held.Condition && r.Scope.Covers(held.Target)))
            {
                var key = new AlertKey(rule.Id, held.Target.Key);
                if (!_open.ContainsKey(key) && !_pending.ContainsKey(key))
                {
                    Observe(rule, held.Target, holds: true, held.At, held.Summary, held.Action);
                }
            }
        }
    }

    private void Occurred(AlertRule rule, AlertKey key, AlertTarget target, DateTimeOffset at, string summary, string? action)
    {
        if (_open.TryGetValue(key, out var open))
        {
            Store(key, open with { Occurrences = open.Occurrences + 1, LastOccurredAt = at, Summary = summary, Action = action ?? open.Action });
            return;
        }

        Fire(rule, key, new PendingCondition(target, at, summary, action));
    }

    private void Fire(AlertRule rule, AlertKey key, PendingCondition condition)
    {
        var silenced = context.Silenced(rule, condition.Target);
        var alert = new Alert
        {
            Id = Guid.CreateVersion7(Now),
            RuleId = rule.Id,
            RuleName = rule.Name,
            Condition = rule.Condition,
            Severity = rule.Severity,
            Target = condition.Target,
            Status = AlertStatus.Firing,
            Summary = condition.Summary,
            Action = condition.Action,
            Since = condition.Since,
            FiredAt = Now,
            LastOccurredAt = condition.Since,
            Silenced = silenced,
            LastNotifiedAt = silenced ? null : Now,
        };
        Store(key, alert);
        if (!silenced)
        {
            Notify(alert, NotificationKind.Fired, rule.Channels);
        }
    }

    /// <summary>Follows silences, then escalates or repeats a firing alert when due; one notification per tick at most.</summary>
    private void Remind(AlertRule rule, AlertKey key, Alert alert)
    {
        var silenced = context.Silenced(rule, alert.Target);
        if (silenced != alert.Silenced)
        {
            alert = alert with { Silenced = silenced };
            // A lasting condition that still holds is told once the silence ends; a single event (a drain's switchover) that happened meanwhile is not told late.
            if (!silenced && alert is { Status: AlertStatus.Firing, LastNotifiedAt: null } && rule.Condition.Clears())
            {
                alert = alert with { LastNotifiedAt = Now };
                Notify(alert, NotificationKind.Fired, rule.Channels);
            }

            Store(key, alert);
            return;
        }

        if (silenced || alert.Status != AlertStatus.Firing)
        {
            return;
        }

        if (rule.Escalation is { } escalation && alert.EscalatedAt is null && Now - alert.FiredAt >= escalation.After)
        {
            alert = alert with { EscalatedAt = Now, LastNotifiedAt = Now };
            Store(key, alert);
            Notify(alert, NotificationKind.Escalated, escalation.Channels);
        }
        else if (rule.RepeatInterval is { } repeat && alert.LastNotifiedAt is { } told && Now - told >= repeat)
        {
            alert = alert with { LastNotifiedAt = Now };
            Store(key, alert);
            Notify(alert, NotificationKind.Repeated, Audience(rule, alert));
        }
    }

    private void Resolve(AlertRule? rule, AlertKey key, Alert alert, string resolution)
    {
        _open.Remove(key);
        var resolved = alert with { Status = AlertStatus.Resolved, ResolvedAt = Now, Resolution = resolution };
        Changed(resolved);
        if (rule is not null && alert.LastNotifiedAt is not null)
        {
            Notify(resolved, NotificationKind.Resolved, Audience(rule, alert));
        }
    }

    /// <summary>Everyone told so far: the rule's channels, and the escalation channels once escalated.</summary>
    private static IReadOnlyList<Guid> Audience(AlertRule rule, Alert alert) =>
        alert.EscalatedAt is not null && rule.Escalation is { } escalation
            ? [.. rule.Channels.Union(escalation.Channels)]
            : rule.Channels;

    private bool Due(AlertRule rule, PendingCondition pending) => Now - pending.Since >= rule.For;

    private void Store(AlertKey key, Alert alert)
    {
        _open[key] = alert;
        Changed(alert);
    }

    private void Changed(Alert alert)
    {
        _changed.RemoveAll(a => a.Id == alert.Id);
        _changed.Add(alert);
    }

    private void Notify(Alert alert, NotificationKind kind, IReadOnlyList<Guid> channels)
    {
        if (channels.Count > 0)
        {
            _notifications.Add(new AlertNotification(alert, kind, channels));
        }
    }

    /// <summary>Keeps the readings inside the window and the newest one before it, the growth's baseline.</summary>
    private static ImmutableList<MetricReading> Trim(ImmutableList<MetricReading> trail, DateTimeOffset windowStart)
    {
        var firstInside = trail.FindIndex(r => r.At > windowStart);
        var keepFrom = firstInside < 0 ? trail.Count - 1 : Math.Max(0, firstInside - 1);
        return keepFrom == 0 ? trail : trail.RemoveRange(0, keepFrom);
    }
}
