namespace Vigil.ControlPlane.Alerts;

/// <summary>An operator's rule: when <see cref="Condition"/> holds for a target in <see cref="Scope"/>, alert these channels.</summary>
public sealed record AlertRule
{
    /// <summary>How long a single-event alert stays open without a recurrence, unless the rule says otherwise.</summary>
    public static readonly TimeSpan DefaultQuietPeriod = TimeSpan.FromMinutes(15);

    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required AlertCondition Condition { get; init; }

    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;

    public AlertScope Scope { get; init; } = AlertScope.All;

    /// <summary>The channels told when the alert fires, repeats and resolves.</summary>
    public IReadOnlyList<Guid> Channels { get; init; } = [];

    /// <summary>For <see cref="AlertCondition.MetricThreshold"/>: which metric, and when it is crossed.</summary>
    public MetricThreshold? Threshold { get; init; }

    /// <summary>How long a condition must hold before the alert fires (zero: at once). A shorter blip fires nothing.</summary>
    public TimeSpan For { get; init; }

    /// <summary>While the alert fires unacknowledged, tell the channels again this often (null: once).</summary>
    public TimeSpan? RepeatInterval { get; init; }

    /// <summary>When not acknowledged this long after firing, also tell the escalation channels.</summary>
    public AlertEscalation? Escalation { get; init; }

    /// <summary>A single-event alert resolves when this long passed without a recurrence.</summary>
    public TimeSpan QuietPeriod { get; init; } = DefaultQuietPeriod;

    public bool Enabled { get; init; } = true;
}

/// <summary>Further channels told when an alert stays unacknowledged for <see cref="After"/>.</summary>
public sealed record AlertEscalation(TimeSpan After, IReadOnlyList<Guid> Channels);
