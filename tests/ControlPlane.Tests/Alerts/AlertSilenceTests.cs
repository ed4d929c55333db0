using Vigil.ControlPlane.Alerts;
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
}
