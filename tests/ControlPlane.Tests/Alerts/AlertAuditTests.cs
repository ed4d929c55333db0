using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Audit;

namespace Vigil.ControlPlane.Tests.Alerts;

public sealed class AlertAuditTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_fired_alert_and_its_resolution_are_each_audited_once_by_system()
    {
        var rule = AlertWorld.Rule(AlertCondition.NodeLost) with { Name = "lost nodes", Severity = AlertSeverity.Critical };
        var context = new AlertContext([rule], [], Now);

        var fired = AlertEngine.Observe(AlertBook.Empty, new ConditionObserved(AlertCondition.NodeLost, AlertWorld.NodeWeb1, true, Now, "node web-1 is Lost"), context);
        var again = AlertEngine.Observe(fired.Book, new ConditionObserved(AlertCondition.NodeLost, AlertWorld.NodeWeb1, true, Now, "node web-1 is Lost"), context);
        var resolved = AlertEngine.Observe(fired.Book, new ConditionObserved(AlertCondition.NodeLost, AlertWorld.NodeWeb1, false, Now, "node web-1 is back"), context);

        var alert = Assert.Single(fired.Changed);
        var fire = Assert.Single(AlertAudit.Of(AlertBook.Empty, fired));
        Assert.Equal(
            new AuditRecord(AuditRecord.System, "alert.fire", $"alert/{alert.Id}", null, AuditOutcome.Succeeded, "rule 'lost nodes' (Critical) fired: node web-1 is Lost"),
            fire);
        Assert.Empty(AlertAudit.Of(fired.Book, again));
        var resolve = Assert.Single(AlertAudit.Of(fired.Book, resolved));
        Assert.Equal(("alert.resolve", $"alert/{alert.Id}", "rule 'lost nodes' resolved: node web-1 is back"), (resolve.Action, resolve.Target, resolve.Detail));
    }

    [Fact]
    public void Repeats_acknowledgements_and_silence_changes_are_not_audited_by_the_engine()
    {
        var world = new AlertWorld(AlertWorld.Rule(AlertCondition.FailoverCompleted) with { RepeatInterval = TimeSpan.FromMinutes(5), QuietPeriod = TimeSpan.FromHours(1) });
        world.Holds(AlertCondition.FailoverCompleted, AlertWorld.OrdersGroup);
        var book = world.Book;

        var occurred = AlertEngine.Observe(book, new ConditionObserved(AlertCondition.FailoverCompleted, AlertWorld.OrdersGroup, true, world.Now, "again"), new AlertContext(world.Rules, [], world.Now));
        var acknowledged = AlertEngine.Acknowledge(book, world.Single.Id, "alice", world.Now);

        Assert.Single(occurred.Changed);
        Assert.Empty(AlertAudit.Of(book, occurred));
        Assert.Single(acknowledged.Changed);
        Assert.Empty(AlertAudit.Of(book, acknowledged));
    }
}
