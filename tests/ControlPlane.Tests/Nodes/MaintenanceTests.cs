using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Nodes;

/// <summary>A node put in maintenance through the REST API of the real control plane, with two agents on real connections playing their part.</summary>
public sealed class MaintenanceTests : IAsyncLifetime
{
    private static readonly ServiceReport[] StandingBy = [Build.Service("web", ServiceState.Stopped, ServiceHealth.Healthy)];
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private CommandsAndGroupsClient _api = null!;
    private ListeningAgent _a = null!;
    private ListeningAgent _b = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database, ListeningAgent.HostSettings(new Dictionary<string, string?> { ["Alerts:TickInterval"] = "00:00:00.050" }));
        _http = _host.CreateHttpClient();
        _api = new CommandsAndGroupsClient(_http);
        _a = await ListeningAgent.StartAsync(_host, StandingBy, nodeName: "web-a");
        _b = await ListeningAgent.StartAsync(_host, StandingBy, nodeName: "web-b");
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Entering_maintenance_switches_the_group_over_keeps_the_node_out_and_sends_no_alert_for_it_and_leaving_brings_it_back_as_a_standby()
    {
        var group = await ElectWebAAsync();
        var rule = await AddRuleAsync(AlertCondition.ServiceUnhealthy);
        var switchedOver = await AddRuleAsync(AlertCondition.SwitchoverCompleted);

        using var entered = await _http.PostAsJsonAsync(Path(_a.NodeId), new { reason = "monthly patches" }, TestContext.Current.CancellationToken);
        var deactivate = await _a.WaitForCommandAsync(c => c.Kind == CommandKind.Deactivate && c.Role?.Epoch > group.Epoch, "Deactivate at the switchover's epoch");
        await _a.AnswerAsync(deactivate.Id);
        await _a.ReportAsync(StandingBy, [Role(group.Id, deactivate.Role!.Epoch, active: false)]);
        var activate = await _b.WaitForCommandAsync(c => c.Kind == CommandKind.Activate && c.Role?.GroupId == group.Id, "Activate on web-b");
        await _b.AnswerAsync(activate.Id);
        await _b.ReportAsync([Build.Service("web")], [Role(group.Id, activate.Role!.Epoch, active: true)]);
        var moved = await _api.WaitForGroupAsync(group.Id, g => g.Transition is null && g.ActiveNodeId == _b.NodeId, "web-b is confirmed active");
        await _a.ReportAsync([Build.Service("web", ServiceState.Stopped, ServiceHealth.Unhealthy)]);
        var evaluator = _host.Services.GetRequiredService<AlertEvaluator>();
        Alert? alert = null;
        await Eventually.HoldsAsync(() => (alert = evaluator.Open.FirstOrDefault(a => a.RuleId == rule)) is not null, "the unhealthy service opened an alert");

        Assert.Equal(HttpStatusCode.Accepted, entered.StatusCode);
        var answer = await entered.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var drain = Assert.Single(answer.GetProperty("groups").EnumerateArray());
        Assert.Equal(("SwitchingOver", "web-b"), (drain.GetProperty("outcome").GetString(), drain.GetProperty("toNode").GetString()));
        Assert.Equal((true, false), (moved.Members.Single(m => m.NodeId == _a.NodeId).InMaintenance, moved.Members.Single(m => m.NodeId == _a.NodeId).Eligible));
        Assert.False(moved.Members.Single(m => m.NodeId == _b.NodeId).InMaintenance);
        Assert.True(alert!.Silenced);
        await Eventually.HoldsAsync(async () => await StoredAsync(alert.Id), "the silenced alert is stored");
        Alert? drained = null;
        await Eventually.HoldsAsync(() => (drained = evaluator.Open.FirstOrDefault(a => a.RuleId == switchedOver)) is not null, "the drain's switchover opened an alert");
        Assert.True(drained!.Silenced);
        Assert.Equal("group web", drained.Target.Describe());
        await Eventually.HoldsAsync(async () => await StoredAsync(drained.Id), "the drain's silenced alert is stored");
        await using (var db = await _host.OpenDatabaseAsync())
        {
            Assert.False(await db.AlertDeliveries.AnyAsync(d => d.AlertId == alert.Id || d.AlertId == drained.Id, TestContext.Current.CancellationToken));
            var node = await db.Nodes.SingleAsync(n => n.Id == _a.NodeId, TestContext.Current.CancellationToken);
            Assert.Equal("monthly patches", node.MaintenanceReason);
            Assert.StartsWith("key:", node.MaintenanceBy, StringComparison.Ordinal);
        }

        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await _host.OpenDatabaseAsync();
                return await db.AuditLog.AnyAsync(e => e.Action == "EnterMaintenance" && e.Outcome == "Succeeded");
            },
            "entering maintenance is audited");
        await _a.ReportAsync(StandingBy);
        using var left = await _http.DeleteAsync(Path(_a.NodeId), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        var back = await _api.WaitForGroupAsync(group.Id, g => g.Members.Single(m => m.NodeId == _a.NodeId).Eligible, "web-a is an eligible standby again");
        Assert.Equal(_b.NodeId, back.ActiveNodeId);
        Assert.False(back.Members.Single(m => m.NodeId == _a.NodeId).InMaintenance);
    }

    [Fact]
    public async Task A_node_active_in_a_group_without_an_eligible_standby_stays_active_and_the_answer_says_why()
    {
        var group = await ElectWebAAsync();
        await _b.ReportAsync([Build.Service("web", ServiceState.Stopped, ServiceHealth.Failed)]);
        await _api.WaitForGroupAsync(group.Id, g => !g.Members.Single(m => m.NodeId == _b.NodeId).Eligible, "web-b is not eligible");

        using var entered = await _http.PostAsJsonAsync(Path(_a.NodeId), new { reason = "patches", until = DateTimeOffset.UtcNow.AddHours(2) }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, entered.StatusCode);
        var answer = await entered.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var drain = Assert.Single(answer.GetProperty("groups").EnumerateArray());
        Assert.Equal("Stays", drain.GetProperty("outcome").GetString());
        Assert.Contains("no standby", drain.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(_a.NodeId, (await _api.FindGroupAsync(group.Id))!.ActiveNodeId);
        var node = await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{_a.NodeId}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True(node.GetProperty("inMaintenance").GetBoolean());
    }

    [Fact]
    public async Task Maintenance_is_checked_refused_to_viewers_and_404_for_an_unknown_node()
    {
        using var viewer = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Viewer));

        using var noReason = await _http.PostAsJsonAsync(Path(_a.NodeId), new { reason = " " }, TestContext.Current.CancellationToken);
        using var past = await _http.PostAsJsonAsync(Path(_a.NodeId), new { reason = "patches", until = DateTimeOffset.UtcNow.AddMinutes(-1) }, TestContext.Current.CancellationToken);
        using var unknown = await _http.PostAsJsonAsync(Path(Guid.NewGuid()), new { reason = "patches" }, TestContext.Current.CancellationToken);
        using var refused = await viewer.PostAsJsonAsync(Path(_a.NodeId), new { reason = "patches" }, TestContext.Current.CancellationToken);
        using var notIn = await _http.DeleteAsync(Path(_a.NodeId), TestContext.Current.CancellationToken);

        await CommandsAndGroupsClient.AssertNamesFieldAsync(noReason, "reason");
        await CommandsAndGroupsClient.AssertNamesFieldAsync(past, "until");
        await CommandsAndGroupsClient.ProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await CommandsAndGroupsClient.ProblemAsync(notIn, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_node_page_shows_an_operator_the_maintenance_chip_and_the_leave_button()
    {
        using var entered = await _http.PostAsJsonAsync(Path(_a.NodeId), new { reason = "patches" }, TestContext.Current.CancellationToken);
        using var browser = new CookieBrowser(_host.Address);
        await browser.SignInAsync("admin", ControlPlaneHost.AdminPassword, "/nodes");

        using var inMaintenance = await browser.GetAsync($"/nodes/{_a.NodeId}");
        using var other = await browser.GetAsync($"/nodes/{_b.NodeId}");

        var page = await inMaintenance.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var otherPage = await other.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("In maintenance", page, StringComparison.Ordinal);
        Assert.Contains("leave-maintenance", page, StringComparison.Ordinal);
        Assert.DoesNotContain("In maintenance", otherPage, StringComparison.Ordinal);
        Assert.Contains("enter-maintenance", otherPage, StringComparison.Ordinal);
    }

    private static Uri Path(Guid nodeId) => new($"/api/v1/nodes/{nodeId}/maintenance", UriKind.Relative);

    private async Task<Guid> AddRuleAsync(AlertCondition condition)
    {
        var rule = new AlertRule { Id = Guid.NewGuid(), Name = $"{condition}", Condition = condition, Channels = [Guid.NewGuid()] };
        await using (var db = await _host.OpenDatabaseAsync())
        {
            var now = DateTimeOffset.UtcNow;
            db.AlertRules.Add(new StoredAlertRule { Id = rule.Id, Name = rule.Name, Enabled = true, Definition = AlertJson.Write(rule), CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        await _host.Services.GetRequiredService<AlertEvaluator>().RefreshNowAsync(TestContext.Current.CancellationToken);
        return rule.Id;
    }

    private async Task<bool> StoredAsync(Guid alertId)
    {
        await using var db = await _host.OpenDatabaseAsync();
        return await db.Alerts.AnyAsync(a => a.Id == alertId);
    }

    /// <summary>Creates the group and plays both agents' part until web-a is confirmed active.</summary>
    private async Task<GroupResponse> ElectWebAAsync()
    {
        var group = await _api.CreateGroupAsync(Build.Group("web", Build.Member(_a.NodeId, priority: 1), Build.Member(_b.NodeId, priority: 2)));
        var activate = await _a.WaitForCommandAsync(c => c.Kind == CommandKind.Activate && c.Role?.GroupId == group.Id, "Activate");
        var epoch = activate.Role!.Epoch;
        await _a.AnswerAsync(activate.Id, message: $"web is active at epoch {epoch}");
        await _a.ReportAsync([Build.Service("web")], [Role(group.Id, epoch, active: true)]);
        await _b.ReportAsync(roles: [Role(group.Id, epoch, active: false)]);
        return await _api.WaitForGroupAsync(group.Id, g => g.Transition is null && g.ActiveNodeId == _a.NodeId, "web-a is confirmed active");
    }

    private static RoleReport Role(Guid groupId, long epoch, bool active) =>
        new() { GroupId = groupId, Service = "web", Epoch = epoch, Active = active, HoldsLease = active, ServiceUp = active };
}
