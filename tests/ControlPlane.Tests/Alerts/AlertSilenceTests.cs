using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Nodes;
using static Vigil.ControlPlane.Tests.Alerts.AlertWorld;

namespace Vigil.ControlPlane.Tests.Alerts;

public sealed class AlertSilenceTests
{
    [Fact]
    public void A_silenced_alert_is_recorded_but_no_channel_is_told()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost) with { RepeatInterval = TimeSpan.FromMinutes(1) });
        world.Silence(world.Now.AddHours(1), new SilenceMatcher(SilenceField.Node, "WEB-1"));

        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Pass(TimeSpan.FromMinutes(30));

        Assert.True(world.Single.Silenced);
        Assert.Empty(world.Take());
    }

    [Fact]
    public void A_silenced_alert_that_resolves_sends_no_resolve_message()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));
        world.Silence(world.Now.AddHours(1), new SilenceMatcher(SilenceField.Condition, "nodelost"));
        world.Holds(AlertCondition.NodeLost, NodeWeb1);

        world.Clears(AlertCondition.NodeLost, NodeWeb1);

        Assert.Empty(world.Open);
        Assert.Empty(world.Take());
    }

    [Fact]
    public void When_the_silence_expires_a_still_firing_alert_is_told()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));
        world.Silence(world.Now.AddHours(1), new SilenceMatcher(SilenceField.NodeLabel, "env=prod"));
        world.Holds(AlertCondition.NodeLost, NodeWeb1);

        world.Pass(TimeSpan.FromMinutes(59));
        Assert.Empty(world.Take());
        world.Pass(TimeSpan.FromMinutes(1));

        Assert.Equal(NotificationKind.Fired, Assert.Single(world.Take()).Kind);
        Assert.False(world.Single.Silenced);
    }

    [Fact]
    public void A_silence_matches_only_when_every_matcher_does()
    {
        var rule = Rule(AlertCondition.ServiceFailed);
        var world = new AlertWorld(rule);
        world.Silence(world.Now.AddHours(1), new SilenceMatcher(SilenceField.Service, "Api"), new SilenceMatcher(SilenceField.Node, "web-2"));
        world.Silence(world.Now.AddHours(1), new SilenceMatcher(SilenceField.Rule, rule.Id.ToString()), new SilenceMatcher(SilenceField.Group, "orders"));

        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);

        Assert.False(world.Single.Silenced);
        Assert.Single(world.Take());
    }

    [Fact]
    public void A_silence_without_matchers_or_not_yet_started_silences_nothing()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost));
        world.Silence(world.Now.AddHours(1));
        world.Silences.Add(new Silence
        {
            Id = Guid.NewGuid(),
            Matchers = [new SilenceMatcher(SilenceField.Node, "web-1")],
            StartsAt = world.Now.AddMinutes(5),
            ExpiresAt = world.Now.AddHours(1),
            CreatedBy = "alice",
            Reason = "later",
        });

        world.Holds(AlertCondition.NodeLost, NodeWeb1);

        Assert.Single(world.Take());
    }

    [Fact]
    public void A_silence_that_begins_while_an_alert_fires_stops_its_repeats()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost) with { RepeatInterval = TimeSpan.FromMinutes(5) });
        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Take();

        world.Silence(world.Now.AddHours(1), new SilenceMatcher(SilenceField.Node, "web-1"));
        world.Pass(TimeSpan.FromMinutes(30));

        Assert.True(world.Single.Silenced);
        Assert.Empty(world.Take());
    }

    [Fact]
    public void Alerts_about_a_node_in_maintenance_and_its_services_are_recorded_but_not_told_until_it_ends()
    {
        var world = new AlertWorld(Rule(AlertCondition.NodeLost), Rule(AlertCondition.ServiceFailed), Rule(AlertCondition.ServiceUnhealthy));
        world.Maintenance[NodeWeb1.NodeId!.Value] = new NodeMaintenance("patching", "alice", world.Now, world.Now.AddHours(1));

        world.Holds(AlertCondition.NodeLost, NodeWeb1);
        world.Holds(AlertCondition.ServiceFailed, ApiOnWeb1);
        world.Holds(AlertCondition.ServiceUnhealthy, AlertTarget.ServiceOn(Guid.NewGuid(), "web-2", "Api", new Dictionary<string, string>()));

        Assert.Equal(3, world.Open.Count);
        Assert.Equal(2, world.Open.Count(a => a.Silenced));
        Assert.Equal("web-2", Assert.Single(world.Take()).Alert.Target.NodeName);
        world.Pass(TimeSpan.FromHours(1));
        Assert.Equal(2, world.Take().Count(n => n.Kind == NotificationKind.Fired));
    }

    [Fact]
    public void Group_alerts_a_node_in_maintenance_caused_are_recorded_but_not_told_and_those_other_nodes_caused_are()
    {
        var world = new AlertWorld(Rule(AlertCondition.SwitchoverCompleted), Rule(AlertCondition.GroupWithoutActive));
        world.Maintenance[NodeWeb1.NodeId!.Value] = new NodeMaintenance("patching", "alice", world.Now, world.Now.AddHours(1));
        var paymentsGroup = AlertTarget.FailoverGroup(Guid.NewGuid(), "payments");

        world.Holds(AlertCondition.SwitchoverCompleted, OrdersGroup with { CausedByNodeId = NodeWeb1.NodeId });
        world.Holds(AlertCondition.GroupWithoutActive, OrdersGroup with { CausedByNodeId = NodeWeb1.NodeId });
        world.Holds(AlertCondition.SwitchoverCompleted, paymentsGroup with { CausedByNodeId = NodeWeb2.NodeId });

        Assert.Equal(3, world.Open.Count);
        Assert.Equal(["orders", "orders"], world.Open.Where(a => a.Silenced).Select(a => a.Target.Group));
        Assert.Equal("payments", Assert.Single(world.Take()).Alert.Target.Group);
    }

    [Fact]
    public void A_drains_switchover_is_not_told_when_the_maintenance_ends_but_a_group_still_without_an_active_member_is()
    {
        var world = new AlertWorld(Rule(AlertCondition.SwitchoverCompleted), Rule(AlertCondition.GroupWithoutActive));
        world.Maintenance[NodeWeb1.NodeId!.Value] = new NodeMaintenance("patching", "alice", world.Now, world.Now.AddMinutes(10));
        world.Holds(AlertCondition.SwitchoverCompleted, OrdersGroup with { CausedByNodeId = NodeWeb1.NodeId });
        var paymentsGroup = AlertTarget.FailoverGroup(Guid.NewGuid(), "payments") with { CausedByNodeId = NodeWeb1.NodeId };
        world.Holds(AlertCondition.GroupWithoutActive, paymentsGroup);

        world.Pass(TimeSpan.FromMinutes(10));
        var told = world.Take();
        world.Pass(TimeSpan.FromMinutes(15));

        Assert.Equal(("payments", NotificationKind.Fired), (Assert.Single(told).Alert.Target.Group, told[0].Kind));
        Assert.Empty(world.Take());
        Assert.Equal(["payments"], world.Open.Select(a => a.Target.Group));
    }

    [Fact]
    public void A_switchover_or_failover_raises_its_alert_caused_by_the_node_it_moved_away_from()
    {
        var from = Guid.NewGuid();
        var record = new Vigil.ControlPlane.Data.Failover.FailoverRecord
        {
            GroupId = Guid.NewGuid(),
            Kind = Vigil.ControlPlane.Data.Failover.TransitionKind.Switchover,
            FromNodeId = from,
            Outcome = Vigil.ControlPlane.Data.Failover.TransitionOutcome.Completed,
            Service = "api",
            Reason = "node web-1 entered maintenance",
        };

        var signal = TransitionSignals.FromFailover(record, "orders", "web-1", "web-2", DateTimeOffset.UnixEpoch)!;

        Assert.Equal((from, (Guid?)null), (signal.Target.CausedByNodeId, signal.Target.NodeId));
    }

    [Fact]
    public void A_silence_request_is_checked_field_by_field()
    {
        var now = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        SilenceMatcherRequest[] matchers = [new("node", "web-1")];
        Dictionary<string, string[]> Errors(SilenceRequest request)
        {
            var errors = new Dictionary<string, string[]>();
            SilenceRules.Check(Guid.NewGuid(), request, "alice", now, errors);
            return errors;
        }

        Assert.Equal(["matchers"], Errors(new SilenceRequest([], null, now.AddHours(1), "patch")).Keys);
        Assert.Equal(["matchers[0].field"], Errors(new SilenceRequest([new("colour", "red")], null, now.AddHours(1), "patch")).Keys);
        Assert.Equal(["matchers[0].value"], Errors(new SilenceRequest([new("Rule", "not-a-guid")], null, now.AddHours(1), "patch")).Keys);
        Assert.Equal(["matchers[0].value"], Errors(new SilenceRequest([new("NodeLabel", "env")], null, now.AddHours(1), "patch")).Keys);
        Assert.Equal(["expiresAt"], Errors(new SilenceRequest(matchers, null, now.AddMinutes(-1), "patch")).Keys);
        Assert.Equal(["expiresAt"], Errors(new SilenceRequest(matchers, null, now.AddDays(91), "patch")).Keys);
        Assert.Equal(["expiresAt"], Errors(new SilenceRequest(matchers, null, null, "patch")).Keys);
        Assert.Equal(["comment"], Errors(new SilenceRequest(matchers, null, now.AddHours(1), " ")).Keys);
        Assert.Empty(Errors(new SilenceRequest([new("condition", "nodelost"), new("Node", "web-1")], null, now.AddDays(90), "patch")));
    }
}
