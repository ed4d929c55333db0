using Vigil.ControlPlane.Alerts;
using static Vigil.ControlPlane.Tests.Alerts.AlertWorld;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>Rules that begin to watch a condition while it already holds.</summary>
public sealed class AlertHeldConditionTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_rule_created_while_a_node_is_lost_fires_at_the_next_tick_since_the_node_was_lost()
    {
        var world = new AlertWorld();
        var lostAt = world.Now;
        world.Holds(AlertCondition.NodeLost, NodeWeb1, "node web-1 is Lost: no heartbeat for 3 s");
        world.Pass(Minute);
        Assert.Empty(world.Open);

        world.Rules.Add(Rule(AlertCondition.NodeLost));
        world.Tick();

        var fired = Assert.Single(world.Take());
        Assert.Equal(NotificationKind.Fired, fired.Kind);
        Assert.Equal(lostAt, fired.Alert.Since);
        Assert.Equal("node web-1 is Lost: no heartbeat for 3 s", fired.Alert.Summary);
    }

    [Fact]
    public void A_new_rule_counts_its_duration_from_when_the_condition_began()
    {
        var world = new AlertWorld();
        world.Holds(AlertCondition.ServiceUnhealthy, ApiOnWeb1);
        world.Pass(Minute);

        world.Rules.Add(Rule(AlertCondition.ServiceUnhealthy) with { For = 3 * Minute });
        world.Tick();
        Assert.Empty(world.Take());

        world.Pass(Minute);
        Assert.Empty(world.Take());
        world.Pass(Minute);
        Assert.Equal(NotificationKind.Fired, Assert.Single(world.Take()).Kind);
    }

    [Fact]
    public void A_condition_that_cleared_before_the_rule_was_created_fires_nothing()
    {
        var world = new AlertWorld();
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Pass(Minute);
        world.Clears(AlertCondition.NodeLost, NodeWeb1);

        world.Rules.Add(Rule(AlertCondition.NodeLost));
        world.Pass(Minute);

        Assert.Empty(world.Open);
        Assert.Empty(world.Take());
    }

    [Fact]
    public void A_rule_enabled_again_fires_again_for_a_condition_that_still_holds()
    {
        var rule = Rule(AlertCondition.NodeLost);
        var world = new AlertWorld(rule);
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        Assert.Equal(NotificationKind.Fired, Assert.Single(world.Take()).Kind);

        world.Rules[0] = rule with { Enabled = false };
        world.Tick();
        Assert.Empty(world.Open);
        world.Take();

        world.Rules[0] = rule;
        world.Tick();

        Assert.Equal(NotificationKind.Fired, Assert.Single(world.Take()).Kind);
        Assert.Single(world.Open);
    }

    [Fact]
    public void Single_events_are_not_taken_up_by_rules_created_after_them()
    {
        var world = new AlertWorld();
        world.Holds(AlertCondition.FailoverCompleted, OrdersGroup);

        world.Rules.Add(Rule(AlertCondition.FailoverCompleted));
        world.Tick();

        Assert.Empty(world.Open);
    }

    [Fact]
    public void A_rule_whose_scope_does_not_cover_the_target_takes_up_nothing()
    {
        var world = new AlertWorld();
        world.Holds(AlertCondition.NodeLost, NodeWeb2);

        world.Rules.Add(Rule(AlertCondition.NodeLost) with { Scope = new AlertScope { NodeLabels = ["env=prod"] } });
        world.Tick();

        Assert.Empty(world.Open);
    }
}
