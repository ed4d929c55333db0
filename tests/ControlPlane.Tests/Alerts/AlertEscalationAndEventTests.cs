using Vigil.ControlPlane.Alerts;
using static Vigil.ControlPlane.Tests.Alerts.AlertWorld;

namespace Vigil.ControlPlane.Tests.Alerts;

public sealed class AlertEscalationAndEventTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static AlertRule Escalating(TimeSpan after, TimeSpan? repeat = null) => Rule(AlertCondition.ServiceFailed, Pager) with
    {
        Escalation = new AlertEscalation(after, [Manager]),
        RepeatInterval = repeat,
    };

    [Fact]
    public void An_alert_not_acknowledged_in_time_is_escalated_to_the_further_channels_once()
    {
        var world = new AlertWorld(Escalating(TimeSpan.FromMinutes(15)));
        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);
        world.Take();

        world.Pass(TimeSpan.FromMinutes(14));
        Assert.Empty(world.Take());
        world.Pass(Minute);

        var escalation = Assert.Single(world.Take());
        Assert.Equal(NotificationKind.Escalated, escalation.Kind);
        Assert.Equal([Manager], escalation.Channels);
        Assert.Equal(world.Now, world.Single.EscalatedAt);
        world.Pass(TimeSpan.FromHours(3));
        Assert.Empty(world.Take());
    }

    [Fact]
    public void An_alert_acknowledged_in_time_is_not_escalated()
    {
        var world = new AlertWorld(Escalating(TimeSpan.FromMinutes(15)));
        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);
        world.Take();
        world.Pass(TimeSpan.FromMinutes(5));

        world.Acknowledge(world.Single.Id);
        world.Pass(TimeSpan.FromHours(1));

        Assert.Empty(world.Take());
        Assert.Null(world.Single.EscalatedAt);
    }

    [Fact]
    public void After_escalation_repeats_and_the_resolve_message_reach_both_the_rules_and_the_escalation_channels()
    {
        var world = new AlertWorld(Escalating(TimeSpan.FromMinutes(15), repeat: TimeSpan.FromMinutes(10)));
        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);
        world.Pass(TimeSpan.FromMinutes(10));
        world.Pass(TimeSpan.FromMinutes(5));
        world.Take();

        world.Pass(TimeSpan.FromMinutes(10));
        var repeat = Assert.Single(world.Take());
        world.Clears(AlertCondition.ServiceFailed, ApiOnWeb1, "service Api on node web-1 is Healthy again");
        var resolved = Assert.Single(world.Take());

        Assert.Equal(NotificationKind.Repeated, repeat.Kind);
        Assert.Equal([Pager, Manager], repeat.Channels);
        Assert.Equal(NotificationKind.Resolved, resolved.Kind);
        Assert.Equal([Pager, Manager], resolved.Channels);
    }

    [Fact]
    public void A_single_event_recurring_while_open_counts_occurrences_without_telling_again()
    {
        var world = new AlertWorld(Rule(AlertCondition.CommandFailed));
        world.Holds(AlertCondition.CommandFailed, ApiOnWeb1, "restart of Api failed: access denied");
        world.Pass(Minute);

        world.Holds(AlertCondition.CommandFailed, ApiOnWeb1, "restart of Api timed out");

        Assert.Single(world.Take());
        var alert = world.Single;
        Assert.Equal(2, alert.Occurrences);
        Assert.Equal("restart of Api timed out", alert.Summary);
        Assert.Equal(world.Now, alert.LastOccurredAt);
    }

    [Fact]
    public void A_single_event_resolves_after_its_quiet_period_without_a_recurrence()
    {
        var world = new AlertWorld(Rule(AlertCondition.FailoverCompleted) with { QuietPeriod = TimeSpan.FromMinutes(30) });
        world.Holds(AlertCondition.FailoverCompleted, OrdersGroup, "group orders failed over from web-1 to web-2");
        world.Pass(TimeSpan.FromMinutes(20));
        world.Holds(AlertCondition.FailoverCompleted, OrdersGroup, "group orders failed over from web-2 to web-1");
        world.Take();

        world.Pass(TimeSpan.FromMinutes(29));
        Assert.Single(world.Open);
        world.Pass(Minute);

        Assert.Empty(world.Open);
        var resolved = Assert.Single(world.Take());
        Assert.Equal(NotificationKind.Resolved, resolved.Kind);
        Assert.Equal("no recurrence for 00:30:00", resolved.Alert.Resolution);
    }

    [Fact]
    public void A_clear_of_a_single_event_is_ignored()
    {
        var world = new AlertWorld(Rule(AlertCondition.DrillFailed));
        world.Holds(AlertCondition.DrillFailed, OrdersGroup);

        world.Clears(AlertCondition.DrillFailed, OrdersGroup);

        Assert.Single(world.Open);
    }

    [Fact]
    public void An_alert_whose_rule_is_removed_resolves_quietly_and_its_pending_hold_is_dropped()
    {
        var held = Rule(AlertCondition.NodeSuspect) with { For = TimeSpan.FromMinutes(5) };
        var immediate = Rule(AlertCondition.NodeLost);
        var world = new AlertWorld(held, immediate);
        world.Holds(AlertCondition.NodeSuspect, NodeWeb1);
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Take();

        world.Rules.Clear();
        world.Tick();

        Assert.Empty(world.Open);
        Assert.Empty(world.Book.Pending);
        Assert.Empty(world.Take());
        Assert.Equal("the rule was removed or disabled", world.Changes[^1].Resolution);
    }

    [Fact]
    public void Open_alerts_carried_over_a_restart_go_on_repeating_and_resolving()
    {
        var rule = Rule(AlertCondition.NodeLost) with { RepeatInterval = TimeSpan.FromMinutes(10) };
        var before = new AlertWorld(rule);
        before.Holds(AlertCondition.NodeLost, NodeWeb1);

        var after = new AlertWorld(rule);
        after.Clock.SetUtcNow(before.Now.AddMinutes(10));
        var restored = AlertBook.FromOpen(before.Open);
        var step = AlertEngine.Tick(restored, new AlertContext([rule], [], after.Now));

        Assert.Equal(NotificationKind.Repeated, Assert.Single(step.Notifications).Kind);
        var resolvedStep = AlertEngine.Observe(step.Book, new ConditionObserved(AlertCondition.NodeLost, NodeWeb1, false, after.Now, "back"), new AlertContext([rule], [], after.Now));
        Assert.Empty(resolvedStep.Book.Open);
    }
}
