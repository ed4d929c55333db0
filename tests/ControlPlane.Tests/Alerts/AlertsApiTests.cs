using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary><c>POST /api/v1/alerts/{id}/acknowledge</c> on the real control plane, with an alert a real agent connection made fire.</summary>
public sealed class AlertsApiTests : IAsyncLifetime
{
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
    public async Task An_operator_acknowledges_a_firing_alert_under_the_keys_name_and_it_is_audited()
    {
        var alertId = await FiringAlertAsync();
        using var operatorClient = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Operator, name: "night-shift"));

        using var response = await AcknowledgeAsync(operatorClient, alertId);
        using var again = await AcknowledgeAsync(operatorClient, alertId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("Acknowledged", alert.GetProperty("status").GetString());
        Assert.Equal("key:night-shift", alert.GetProperty("acknowledgedBy").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await _host.OpenDatabaseAsync();
                return await db.Alerts.AnyAsync(a => a.Id == alertId && a.Status == "Acknowledged" && a.AcknowledgedBy == "key:night-shift")
                    && await db.AuditLog.AnyAsync(e => e.Action == "AcknowledgeAlert" && e.Actor == "key:night-shift" && e.Outcome == "Succeeded");
            },
            "the acknowledgement is stored and audited");
    }

    [Fact]
    public async Task A_viewer_may_not_acknowledge_an_unknown_alert_is_404_and_a_resolved_one_409()
    {
        await using var agent = await ListeningAgent.StartAsync(_host, [Build.Service("api")], nodeName: "web-1");
        var alertId = await FiringAlertAsync(agent);
        using var viewer = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Viewer));
        using var admin = _host.CreateHttpClient();

        using var refused = await AcknowledgeAsync(viewer, alertId);
        using var unknown = await AcknowledgeAsync(admin, Guid.NewGuid());
        await agent.ReportAsync([Build.Service("api")]);
        await Eventually.HoldsAsync(async () => await StatusAsync(alertId) == "Resolved", "the alert resolved");
        using var resolved = await AcknowledgeAsync(admin, alertId);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Conflict, resolved.StatusCode);
        Assert.Equal("application/problem+json", resolved.Content.Headers.ContentType?.MediaType);
    }

    private async Task<Guid> FiringAlertAsync(ListeningAgent? agent = null)
    {
        var rule = new AlertRule { Id = Guid.NewGuid(), Name = "failed services", Condition = AlertCondition.ServiceFailed, Channels = [] };
        await using (var db = await _host.OpenDatabaseAsync())
        {
            var now = DateTimeOffset.UtcNow;
            db.AlertRules.Add(new StoredAlertRule { Id = rule.Id, Name = rule.Name, Enabled = true, Definition = AlertJson.Write(rule), CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        var evaluator = _host.Services.GetRequiredService<AlertEvaluator>();
        await evaluator.RefreshNowAsync(TestContext.Current.CancellationToken);
        var own = agent is null ? await ListeningAgent.StartAsync(_host, [Build.Service("api")], nodeName: "web-2") : null;
        await (agent ?? own!).ReportAsync([Build.Service("api", ServiceState.Stopped, ServiceHealth.Failed)]);
        Alert? firing = null;
        await Eventually.HoldsAsync(() => (firing = evaluator.Open.FirstOrDefault(a => a.RuleId == rule.Id)) is not null, "the alert fired");
        await Eventually.HoldsAsync(async () => await StatusAsync(firing!.Id) == "Firing", "the alert is stored");
        if (own is not null)
        {
            await own.DisposeAsync();
        }

        return firing!.Id;
    }

    private async Task<string?> StatusAsync(Guid alertId)
    {
        await using var db = await _host.OpenDatabaseAsync();
        return await db.Alerts.Where(a => a.Id == alertId).Select(a => a.Status).SingleOrDefaultAsync();
    }

    private static Task<HttpResponseMessage> AcknowledgeAsync(HttpClient client, Guid alertId) =>
        client.PostAsync(new Uri($"/api/v1/alerts/{alertId}/acknowledge", UriKind.Relative), null, TestContext.Current.CancellationToken);
}
