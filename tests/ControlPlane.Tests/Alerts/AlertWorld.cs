using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>Drives <see cref="AlertEngine"/> on a fake clock, keeping the book and every notification.</summary>
internal sealed class AlertWorld
{
    public static readonly Guid Pager = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    public static readonly Guid Mail = Guid.Parse("00000000-0000-0000-0000-0000000000a2");
    public static readonly Guid Manager = Guid.Parse("00000000-0000-0000-0000-0000000000a3");

    private static readonly Guid Web1 = Guid.Parse("00000000-0000-0000-0000-000000000101");
    private static readonly Guid Web2 = Guid.Parse("00000000-0000-0000-0000-000000000102");

    public AlertWorld(params AlertRule[] rules) => Rules = [.. rules];

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    public List<AlertRule> Rules { get; }

    public List<Silence> Silences { get; } = [];

    public Dictionary<Guid, NodeMaintenance> Maintenance { get; } = [];

    public AlertBook Book { get; private set; } = AlertBook.Empty;

    public List<AlertNotification> Notifications { get; } = [];

    public List<Alert> Changes { get; } = [];

    public DateTimeOffset Now => Clock.GetUtcNow();

    public static AlertTarget NodeWeb1 { get; } = AlertTarget.Node(Web1, "web-1", new Dictionary<string, string> { ["env"] = "prod" });

    public static AlertTarget NodeWeb2 { get; } = AlertTarget.Node(Web2, "web-2", new Dictionary<string, string> { ["env"] = "test" });

    public static AlertTarget ApiOnWeb1 { get; } = AlertTarget.ServiceOn(Web1, "web-1", "Api", NodeWeb1.NodeLabels);

    public static AlertTarget OrdersGroup { get; } = AlertTarget.FailoverGroup(Guid.Parse("00000000-0000-0000-0000-000000000201"), "orders");

    public static AlertRule Rule(AlertCondition condition, params Guid[] channels) => new()
    {
        Id = Guid.NewGuid(),
        Name = $"{condition} rule",
        Condition = condition,
        Channels = channels.Length == 0 ? [Pager] : channels,
    };

    public static AlertRule Threshold(AlertMetric metric, ThresholdComparison comparison, double value, TimeSpan holdFor) =>
        Rule(AlertCondition.MetricThreshold) with { Threshold = new MetricThreshold(metric, comparison, value), For = holdFor };

    /// <summary>A rule on a service's working set growing by more than <paramref name="by"/> bytes within <paramref name="window"/>.</summary>
    public static AlertRule WorkingSetGrowth(double by, TimeSpan window) => Rule(AlertCondition.MetricThreshold) with
    {
        Threshold = new MetricThreshold(AlertMetric.ServiceWorkingSetBytes, ThresholdComparison.GrowsBy, by) { Window = window },
    };

    public IReadOnlyList<Alert> Open => [.. Book.Open.Values];

    public Alert Single => Assert.Single(Book.Open.Values);

    public void Holds(AlertCondition condition, AlertTarget target, string summary = "it happened", string? action = null) =>
        Observe(new ConditionObserved(condition, target, Holds: true, Now, summary) { Action = action });

    public void Clears(AlertCondition condition, AlertTarget target, string summary = "it is over") =>
        Observe(new ConditionObserved(condition, target, Holds: false, Now, summary));

    public void Reads(AlertMetric metric, AlertTarget target, double value) =>
        Observe(new MetricObserved(metric, target, value, Now));

    public void Observe(AlertSignal signal) => Apply(AlertEngine.Observe(Book, signal, Context()));

    /// <summary>Moves the clock and lets the engine look at time passing.</summary>
    public void Pass(TimeSpan span)
    {
        Clock.Advance(span);
        Tick();
    }

    public void Tick() => Apply(AlertEngine.Tick(Book, Context()));

    public AlertStep Acknowledge(Guid alertId, string by = "alice")
    {
        var step = AlertEngine.Acknowledge(Book, alertId, by, Now);
        Apply(step);
        return step;
    }

    public Silence Silence(DateTimeOffset expires, params SilenceMatcher[] matchers)
    {
        var silence = new Silence
        {
            Id = Guid.NewGuid(),
            Matchers = matchers,
            StartsAt = Now,
            ExpiresAt = expires,
            CreatedBy = "alice",
            Reason = "patching",
        };
        Silences.Add(silence);
        return silence;
    }

    public IReadOnlyList<AlertNotification> Take()
    {
        var taken = Notifications.ToList();
        Notifications.Clear();
        return taken;
    }

    private AlertContext Context() => new(Rules, Silences, Now) { Maintenance = Maintenance };

    private void Apply(AlertStep step)
    {
        Book = step.Book;
        Changes.AddRange(step.Changed);
        Notifications.AddRange(step.Notifications);
    }
}
