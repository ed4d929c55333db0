using Vigil.ControlPlane.Alerts;
using static Vigil.ControlPlane.Tests.Alerts.AlertWorld;

namespace Vigil.ControlPlane.Tests.Alerts;

public sealed class AlertEngineTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_lost_node_fires_at_once_to_the_rules_channels_with_what_where_since_and_the_action()
    {
        var rule = Rule(AlertCondition.NodeLost, Pager, Mail) with { Severity = AlertSeverity.Critical };
        var world = new AlertWorld(rule);

        world.Holds(AlertCondition.NodeLost, NodeWeb1, "node web-1 is Lost: no heartbeat for 3 s", "failed over group orders to web-2");

        var notification = Assert.Single(world.Take());
        Assert.Equal(NotificationKind.Fired, notification.Kind);
        Assert.Equal([Pager, Mail], notification.Channels);
        var alert = notification.Alert;
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal(rule.Id, alert.RuleId);
        Assert.Equal("node web-1", alert.Target.Describe());
        Assert.Equal("node web-1 is Lost: no heartbeat for 3 s", alert.Summary);
        Assert.Equal("failed over group orders to web-2", alert.Action);
        Assert.Equal(world.Now, alert.Since);
        Assert.Equal(world.Now, alert.FiredAt);
    }

    [Fact]
    public void One_alert_stays_open_per_rule_and_target_however_often_the_condition_is_reported()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));

        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Pass(Minute);
        world.Holds(AlertCondition.NodeLost, NodeWeb1);

        Assert.Single(world.Open);
        Assert.Single(world.Take());
    }

    [Fact]
    public void Each_target_and_each_rule_has_its_own_alert()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost), Rule(AlertCondition.NodeLost, Mail));

        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Holds(AlertCondition.NodeLost, NodeWeb2);

        Assert.Equal(4, world.Open.Count);
        Assert.Equal(4, world.Take().Count);
    }

    [Fact]
    public void The_node_back_resolves_the_alert_with_a_resolve_message_to_the_same_channels()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost, Pager, Mail));
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Take();
        world.Pass(Minute);

        world.Clears(AlertCondition.NodeLost, NodeWeb1, "node web-1 is back");

        Assert.Empty(world.Open);
        var notification = Assert.Single(world.Take());
        Assert.Equal(NotificationKind.Resolved, notification.Kind);
        Assert.Equal([Pager, Mail], notification.Channels);
        Assert.Equal(AlertStatus.Resolved, notification.Alert.Status);
        Assert.Equal("node web-1 is back", notification.Alert.Resolution);
        Assert.Equal(world.Now, notification.Alert.ResolvedAt);
        Assert.Equal(AlertStatus.Resolved, world.Changes[^1].Status);
    }

    [Fact]
    public void A_condition_that_returns_after_resolving_opens_a_new_alert()
    {
        var world = new AlertWorld(Rule(AlertCondition.ServiceFailed));
        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);
        var first = world.Single.Id;
        world.Clears(AlertCondition.ServiceFailed, ApiOnWeb1);

        world.Pass(Minute);
        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);

        Assert.NotEqual(first, world.Single.Id);
    }

    [Fact]
    public void A_clear_without_an_open_alert_changes_nothing()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));

        world.Clears(AlertCondition.NodeLost, NodeWeb1);

        Assert.Empty(world.Changes);
        Assert.Empty(world.Take());
    }

    [Fact]
    public void A_rule_with_a_hold_fires_only_once_the_condition_has_held_that_long()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeSuspect) with { For = TimeSpan.FromSeconds(30) });
        var began = world.Now;

        world.Holds(AlertCondition.NodeSuspect, NodeWeb1);
        world.Pass(TimeSpan.FromSeconds(29));
        Assert.Empty(world.Open);

        world.Pass(TimeSpan.FromSeconds(1));

        var alert = world.Single;
        Assert.Equal(began, alert.Since);
        Assert.Equal(world.Now, alert.FiredAt);
        Assert.Single(world.Take());
    }

    [Fact]
    public void A_flapping_condition_shorter_than_the_hold_fires_nothing()
    {
        var world = new AlertWorld(Rule(AlertCondition.ServiceUnhealthy) with { For = Minute });

        for (var i = 0; i < 10; i++)
        {
            world.Holds(AlertCondition.ServiceUnhealthy, ApiOnWeb1);
            world.Pass(TimeSpan.FromSeconds(50));
            world.Clears(AlertCondition.ServiceUnhealthy, ApiOnWeb1);
            world.Pass(TimeSpan.FromSeconds(50));
        }

        Assert.Empty(world.Open);
        Assert.Empty(world.Book.Pending);
        Assert.Empty(world.Take());
    }

    [Fact]
    public void A_signal_reported_late_counts_its_hold_from_when_it_happened()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeSuspect) with { For = TimeSpan.FromSeconds(30) });
        world.Clock.Advance(TimeSpan.FromSeconds(40));

        world.Observe(new ConditionObserved(AlertCondition.NodeSuspect, NodeWeb1, Holds: true, world.Now.AddSeconds(-40), "silent"));

        Assert.Single(world.Open);
    }

    [Theory]
    [InlineData("nodes", true)]
    [InlineData("other-node", false)]
    [InlineData("label", true)]
    [InlineData("other-label", false)]
    [InlineData("service", true)]
    [InlineData("other-service", false)]
    [InlineData("group", false)]
    public void A_rule_covers_only_the_targets_in_its_scope(string scope, bool covered)
    {
        var rule = Rule(AlertCondition.ServiceFailed) with
        {
            Scope = scope switch
            {
                "nodes" => new AlertScope { Nodes = ["WEB-1", "web-3"] },
                "other-node" => new AlertScope { Nodes = ["web-2"] },
                "label" => new AlertScope { NodeLabels = ["env=test", "env=prod"] },
                "other-label" => new AlertScope { NodeLabels = ["env=Prod"] },
                "service" => new AlertScope { Services = ["api"] },
                "other-service" => new AlertScope { Services = ["Worker"] },
                _ => new AlertScope { Groups = ["orders"] },
            },
        };
        var world = new AlertWorld(rule);

        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);

        Assert.Equal(covered, world.Open.Count == 1);
    }

    [Fact]
    public void A_scope_by_group_covers_that_group_only()
    {
        var world = new AlertWorld(Rule(AlertCondition.GroupHalted) with { Scope = new AlertScope { Groups = ["orders"] } });

        world.Holds(AlertCondition.GroupHalted, OrdersGroup);
        world.Holds(AlertCondition.GroupHalted, AlertTarget.FailoverGroup(Guid.NewGuid(), "billing"));

        Assert.Equal("orders", world.Single.Target.Group);
    }

    [Fact]
    public void A_rule_watches_only_its_own_condition()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));

        world.Holds(AlertCondition.NodeSuspect, NodeWeb1);
        world.Holds(AlertCondition.CommandFailed, ApiOnWeb1);

        Assert.Empty(world.Open);
    }

    [Fact]
    public void A_disabled_rule_fires_nothing()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost) with { Enabled = false });

        world.Holds(AlertCondition.NodeLost, NodeWeb1);

        Assert.Empty(world.Open);
    }

    [Fact]
    public void A_rule_without_channels_still_records_the_alert()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost) with { Channels = [] });

        world.Holds(AlertCondition.NodeLost, NodeWeb1);

        Assert.Single(world.Open);
        Assert.Empty(world.Take());
    }

    [Fact]
    public void A_firing_alert_repeats_at_its_interval_until_acknowledged()
    {
        var world = new AlertWorld(Rule(AlertCondition.ServiceFailed) with { RepeatInterval = TimeSpan.FromMinutes(10) });
        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);
        world.Take();

        world.Pass(TimeSpan.FromMinutes(9));
        Assert.Empty(world.Take());
        world.Pass(Minute);
        Assert.Equal(NotificationKind.Repeated, Assert.Single(world.Take()).Kind);
        world.Pass(TimeSpan.FromMinutes(10));
        Assert.Single(world.Take());

        world.Acknowledge(world.Single.Id);
        world.Pass(TimeSpan.FromHours(5));

        Assert.Empty(world.Take());
        Assert.Equal(AlertStatus.Acknowledged, world.Single.Status);
    }

    [Fact]
    public void Without_a_repeat_interval_a_firing_alert_is_told_once()
    {
        var world = new AlertWorld(Rule(AlertCondition.ServiceFailed));
        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);

        world.Pass(TimeSpan.FromDays(1));

        Assert.Single(world.Take());
    }

    [Fact]
    public void Acknowledging_records_who_and_when_and_is_not_told_to_the_channels()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Take();
        world.Pass(Minute);

        var step = world.Acknowledge(world.Single.Id, "bob");

        var acknowledged = Assert.Single(step.Changed);
        Assert.Equal(AlertStatus.Acknowledged, acknowledged.Status);
        Assert.Equal("bob", acknowledged.AcknowledgedBy);
        Assert.Equal(world.Now, acknowledged.AcknowledgedAt);
        Assert.Empty(world.Take());
    }

    [Fact]
    public void Acknowledging_an_acknowledged_or_unknown_alert_changes_nothing()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Acknowledge(world.Single.Id);

        Assert.Empty(world.Acknowledge(world.Single.Id).Changed);
        Assert.Empty(world.Acknowledge(Guid.NewGuid()).Changed);
    }

    [Fact]
    public void An_acknowledged_alert_still_resolves_with_a_message_when_the_condition_clears()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Acknowledge(world.Single.Id);
        world.Take();

        world.Clears(AlertCondition.NodeLost, NodeWeb1, "node web-1 is back");

        Assert.Equal(NotificationKind.Resolved, Assert.Single(world.Take()).Kind);
    }
}
