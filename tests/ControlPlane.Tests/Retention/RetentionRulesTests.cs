using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Retention;

namespace Vigil.ControlPlane.Tests.Retention;

public sealed class RetentionRulesTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
    private static readonly DateTimeOffset Now = Clock.GetUtcNow();

    [Fact]
    public void Each_cutoff_is_its_age_before_now_and_an_age_of_zero_keeps_forever()
    {
        var cutoffs = RetentionRules.CutoffsAt(new RetentionOptions { Events = TimeSpan.FromDays(30), Commands = TimeSpan.Zero }, Now);

        Assert.Equal(Now.AddDays(-30), cutoffs.Events);
        Assert.Null(cutoffs.Commands);
        Assert.Equal(Now.AddDays(-180), cutoffs.Audit);
        Assert.Equal(Now.AddDays(-90), cutoffs.Alerts);
    }

    [Fact]
    public void A_row_exactly_at_the_cutoff_stays()
    {
        var cutoff = Now.AddDays(-30);
        var old = RetentionRules.OldAuditEntry(cutoff).Compile();

        Assert.False(old(new() { At = cutoff, Actor = "a", Action = "x", Outcome = "Succeeded" }));
        Assert.True(old(new() { At = cutoff.AddTicks(-1), Actor = "a", Action = "x", Outcome = "Succeeded" }));
    }

    [Theory]
    [InlineData(CommandState.Succeeded, true)]
    [InlineData(CommandState.Failed, true)]
    [InlineData(CommandState.TimedOut, true)]
    [InlineData(CommandState.Expired, true)]
    [InlineData(CommandState.Pending, false)]
    [InlineData(CommandState.Sent, false)]
    public void Only_a_finished_command_is_old(CommandState state, bool old)
    {
        var command = new StoredCommand { State = state, CreatedAt = Now.AddDays(-100), Service = "web", Kind = "Restart", Origin = "test" };

        Assert.Equal(old, RetentionRules.OldCommand(Now.AddDays(-90)).Compile()(command));
    }

    [Fact]
    public void A_resolved_alert_is_old_unless_a_delivery_of_it_is_still_pending()
    {
        var cutoff = Now.AddDays(-90);
        var resolved = Alert("Resolved", resolvedAt: Now.AddDays(-100));
        var waiting = Alert("Resolved", resolvedAt: Now.AddDays(-100));
        var open = Alert("Firing", resolvedAt: null);
        var recent = Alert("Resolved", resolvedAt: Now.AddDays(-10));
        var deliveries = new[] { Delivery(resolved, AlertDeliveryState.Sent), Delivery(waiting, AlertDeliveryState.Pending), Delivery(open, AlertDeliveryState.Failed) };

        var old = RetentionRules.OldAlert(cutoff, deliveries.AsQueryable()).Compile();

        Assert.Equal([resolved], new[] { resolved, waiting, open, recent }.Where(old));
    }

    private static StoredAlert Alert(string status, DateTimeOffset? resolvedAt) => new()
    {
        Id = Guid.NewGuid(),
        TargetKey = "node/x",
        Status = status,
        Severity = "Critical",
        Condition = "NodeLost",
        Summary = "lost",
        Document = "{}",
        FiredAt = Now.AddDays(-200),
        ResolvedAt = resolvedAt,
    };

    private static AlertDelivery Delivery(StoredAlert alert, AlertDeliveryState state) => new()
    {
        Id = Guid.NewGuid(),
        AlertId = alert.Id,
        ChannelId = Guid.NewGuid(),
        Notification = "Firing",
        Alert = "{}",
        State = state,
    };
}
