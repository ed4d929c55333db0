namespace Vigil.ControlPlane.Alerts;

/// <summary>Checks an alert rule request; every error names its field as the API reports it.</summary>
public static class AlertRuleRules
{
    public const int NameMaxLength = 128;
    public const int ScopeEntriesMax = 64;
    private const int DayInSeconds = 86_400;
    private const int WeekInSeconds = 7 * DayInSeconds;

    /// <summary>The rule the request describes, or null with <paramref name="errors"/> filled; channels must be among <paramref name="channels"/>.</summary>
    public static AlertRule? Check(Guid id, AlertRuleRequest request, IReadOnlySet<Guid> channels, Dictionary<string, string[]> errors)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > NameMaxLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"is required: at most {NameMaxLength} characters, none of them control characters"];
        }

        if (request.Condition is not { } condition || !Enum.IsDefined(condition))
        {
            errors["condition"] = [$"is required: one of {string.Join(", ", Enum.GetNames<AlertCondition>())}"];
            condition = default;
        }

        var severity = request.Severity ?? AlertSeverity.Warning;
        if (!Enum.IsDefined(severity))
        {
            errors["severity"] = ["must be Info, Warning or Critical"];
        }

        CheckScope(request.Scope ?? AlertScope.All, errors);
        CheckChannels("channels", request.Channels ?? [], channels, errors);
        var threshold = CheckThreshold(request.Condition, request.Threshold, errors);
        var forSeconds = Seconds("forSeconds", request.ForSeconds ?? 0, 0, DayInSeconds, errors);
        var repeat = request.RepeatIntervalSeconds is { } repeatSeconds ? Seconds("repeatIntervalSeconds", repeatSeconds, 60, WeekInSeconds, errors) : (TimeSpan?)null;
        var quiet = Seconds("quietPeriodSeconds", request.QuietPeriodSeconds ?? (int)AlertRule.DefaultQuietPeriod.TotalSeconds, 60, WeekInSeconds, errors);
        AlertEscalation? escalation = null;
        if (request.Escalation is { } wanted)
        {
            var after = Seconds("escalation.afterSeconds", wanted.AfterSeconds ?? 0, 60, WeekInSeconds, errors);
            if (wanted.Channels is not { Count: > 0 })
            {
                errors["escalation.channels"] = ["must name at least one channel"];
            }

            CheckChannels("escalation.channels", wanted.Channels ?? [], channels, errors);
            escalation = new AlertEscalation(after, wanted.Channels ?? []);
        }

        return errors.Count > 0 ? null : new AlertRule
        {
            Id = id,
            Name = name!,
            Condition = condition,
            Severity = severity,
            Scope = request.Scope ?? AlertScope.All,
            Channels = request.Channels ?? [],
            Threshold = threshold,
            For = forSeconds,
            RepeatInterval = repeat,
            Escalation = escalation,
            QuietPeriod = quiet,
            Enabled = request.Enabled ?? true,
        };
    }

    private static void CheckScope(AlertScope scope, Dictionary<string, string[]> errors)
    {
        foreach (var (field, entries) in new[] { ("scope.nodes", scope.Nodes), ("scope.nodeLabels", scope.NodeLabels), ("scope.groups", scope.Groups), ("scope.services", scope.Services) })
        {
            if (entries is null || entries.Count > ScopeEntriesMax || entries.Any(e => string.IsNullOrWhiteSpace(e) || e.Length > NameMaxLength))
            {
                errors[field] = [$"must be at most {ScopeEntriesMax} names of at most {NameMaxLength} characters each"];
            }
        }

        if (scope.NodeLabels?.Any(label => label is null || label.IndexOf('=', StringComparison.Ordinal) <= 0) == true)
        {
            errors["scope.nodeLabels"] = ["must be labels written key=value"];
        }
    }

    private static void CheckChannels(string field, IReadOnlyList<Guid> wanted, IReadOnlySet<Guid> channels, Dictionary<string, string[]> errors)
    {
        var unknown = wanted.Where(id => !channels.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            errors[field] = [$"names no alert channel: {string.Join(", ", unknown)}"];
        }
        else if (wanted.Distinct().Count() != wanted.Count)
        {
            errors[field] = ["names a channel twice"];
        }
    }

    private static MetricThreshold? CheckThreshold(AlertCondition? condition, ThresholdRequest? threshold, Dictionary<string, string[]> errors)
    {
        if (condition != AlertCondition.MetricThreshold)
        {
            if (threshold is not null)
            {
                errors["threshold"] = ["applies only to the MetricThreshold condition"];
            }

            return null;
        }

        if (threshold is not { Metric: { } metric, Comparison: { } comparison, Value: { } value } || !Enum.IsDefined(metric) || !Enum.IsDefined(comparison) || !double.IsFinite(value))
        {
            errors["threshold"] = ["is required for MetricThreshold: a metric, a comparison (Above, Below, GrowsBy) and a finite value"];
            return null;
        }

        var window = TimeSpan.Zero;
        if (comparison == ThresholdComparison.GrowsBy)
        {
            window = Seconds("threshold.windowSeconds", threshold.WindowSeconds ?? 0, 60, WeekInSeconds, errors);
        }
        else if (threshold.WindowSeconds is not null)
        {
            errors["threshold.windowSeconds"] = ["applies only to GrowsBy"];
        }

        return new MetricThreshold(metric, comparison, value) { Window = window };
    }

    private static TimeSpan Seconds(string field, int seconds, int min, int max, Dictionary<string, string[]> errors)
    {
        if (seconds < min || seconds > max)
        {
            errors[field] = [$"must be between {min} and {max} seconds"];
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
