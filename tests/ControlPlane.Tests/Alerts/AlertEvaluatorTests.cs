using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Data.Audit;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>The evaluator in the real control plane: an agent on a real connection reports a failed service, the alert is stored with its deliveries.</summary>
public sealed class AlertEvaluatorTests : IAsyncLifetime
{
    private static readonly Guid Channel = Guid.NewGuid();

    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await ControlPlaneHost.StartAsync(_database, ListeningAgent.HostSettings(new Dictionary<string, string?> { ["Alerts:TickInterval"] = "00:00:00.050" }));

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_failed_service_fires_a_stored_alert_with_a_delivery_per_channel_and_its_recovery_resolves_it()
    {
        await AddRuleAsync(new AlertRule
        {
            Id = Guid.NewGuid(),
            Name = "services that gave up, on test nodes",
            Condition = AlertCondition.ServiceFailed,
            Severity = AlertSeverity.Critical,
            Scope = new AlertScope { NodeLabels = ["site=test"] },
            Channels = [Channel],
        });
        await using var agent = await ListeningAgent.StartAsync(_host, [Build.Service("api")], nodeName: "web-1");

        await agent.ReportAsync([Build.Service("api", ServiceState.Stopped, ServiceHealth.Failed) with { RestartCount = 3 }]);
        var fired = await SingleAlertAsync(nameof(AlertStatus.Firing));
        await agent.ReportAsync([Build.Service("api")]);
        var resolved = await SingleAlertAsync(nameof(AlertStatus.Resolved));

        Assert.Equal(fired.Id, resolved.Id);
        Assert.Equal("service api on node web-1 is Failed: api is Stopped", fired.Summary);
        var document = AlertJson.Read<Alert>(resolved.Document);
        Assert.Equal("the agent restarted it 3 times within its restart window, then left it alone", document.Action);
        Assert.Equal("service api on node web-1 is Healthy again: api is Running", document.Resolution);
        var cancellation = TestContext.Current.CancellationToken;
        await using var db = await Database().CreateDbContextAsync(cancellation);
        var deliveries = await db.AlertDeliveries.Where(d => d.AlertId == fired.Id).OrderBy(d => d.CreatedAt).ToListAsync(cancellation);
        Assert.Equal(["Fired", "Resolved"], deliveries.Select(d => d.Notification));
        Assert.All(deliveries, d => Assert.Equal(Channel, d.ChannelId));
    }

    [Fact]
    public async Task Firing_and_resolving_are_recorded_in_the_audit_trail_by_system()
    {
        await AddRuleAsync(new AlertRule { Id = Guid.NewGuid(), Name = "services that gave up", Condition = AlertCondition.ServiceFailed, Channels = [Channel] });
        await using var agent = await ListeningAgent.StartAsync(_host, [Build.Service("api")], nodeName: "web-1");

        await agent.ReportAsync([Build.Service("api", ServiceState.Stopped, ServiceHealth.Failed)]);
        var fired = await SingleAlertAsync(nameof(AlertStatus.Firing));
        await agent.ReportAsync([Build.Service("api")]);
        await SingleAlertAsync(nameof(AlertStatus.Resolved));

        List<AuditEntry> entries = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await Database().CreateDbContextAsync();
                entries = await db.AuditLog.AsNoTracking().Where(e => e.Target == $"alert/{fired.Id}").OrderBy(e => e.Id).ToListAsync();
                return entries.Count == 2;
            },
            "the alert's firing and resolving are audited");
        Assert.Equal([(AlertAudit.Fired, "system", "Succeeded"), (AlertAudit.Resolved, "system", "Succeeded")], entries.Select(e => (e.Action, e.Actor, e.Outcome)));
        Assert.Equal("rule 'services that gave up' (Warning) fired: service api on node web-1 is Failed: api is Stopped", entries[0].Detail);
        Assert.StartsWith("rule 'services that gave up' resolved: service api on node web-1 is Healthy again", entries[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_on_a_node_outside_the_rules_scope_fires_nothing()
    {
        await AddRuleAsync(new AlertRule
        {
            Id = Guid.NewGuid(),
            Name = "production only",
            Condition = AlertCondition.ServiceUnhealthy,
            Scope = new AlertScope { NodeLabels = ["site=production"] },
            Channels = [Channel],
        });
        var watched = new AlertRule { Id = Guid.NewGuid(), Name = "any failed", Condition = AlertCondition.ServiceFailed, Channels = [Channel] };
        await AddRuleAsync(watched);
        await using var agent = await ListeningAgent.StartAsync(_host, [Build.Service("api")], nodeName: "web-1");

        await agent.ReportAsync([Build.Service("api", health: ServiceHealth.Unhealthy), Build.Service("worker", health: ServiceHealth.Failed)]);
        var fired = await SingleAlertAsync(nameof(AlertStatus.Firing));

        Assert.Equal(watched.Id, fired.RuleId);
    }

    private async Task AddRuleAsync(AlertRule rule)
    {
        await using (var db = await Database().CreateDbContextAsync())
        {
            var now = DateTimeOffset.UtcNow;
            db.AlertRules.Add(new StoredAlertRule { Id = rule.Id, Name = rule.Name, Enabled = true, Definition = AlertJson.Write(rule), CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        var evaluator = _host.Services.GetRequiredService<AlertEvaluator>();
        evaluator.Refresh();
        await Eventually.HoldsAsync(() => evaluator.Rules.Any(r => r.Id == rule.Id), "the evaluator read the new rule");
    }

    private async Task<StoredAlert> SingleAlertAsync(string status)
    {
        StoredAlert? found = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await Database().CreateDbContextAsync();
                var alerts = await db.Alerts.AsNoTracking().ToListAsync();
                found = alerts.Count == 1 && alerts[0].Status == status ? alerts[0] : null;
                return found is not null;
            },
            $"one alert, {status}");
        return found!;
    }

    private IDbContextFactory<VigilDbContext> Database() => _host.Services.GetRequiredService<IDbContextFactory<VigilDbContext>>();
}
