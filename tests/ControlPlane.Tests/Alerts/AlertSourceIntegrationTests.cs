using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Tests.Agents;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>
/// The real control plane raises group, drill and agent conditions from where they happen — the failover
/// coordinator's decisions, the drill runner, enrolment — with agents on real connections playing their part.
/// </summary>
public sealed class AlertSourceIntegrationTests : IAsyncLifetime
{
    private static readonly ServiceReport[] Broken = [Build.Service("web", ServiceState.Stopped, ServiceHealth.Failed)];
    private static readonly ServiceReport[] StandingBy = [Build.Service("web", ServiceState.Stopped, ServiceHealth.Healthy)];
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private CommandsAndGroupsClient _api = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database, ListeningAgent.HostSettings(new Dictionary<string, string?> { ["Alerts:TickInterval"] = "00:00:00.050" }));
        _http = _host.CreateHttpClient();
        _api = new CommandsAndGroupsClient(_http);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_group_no_member_can_lead_fires_group_without_active_and_its_election_resolves_it()
    {
        var rule = await AddRuleAsync(AlertCondition.GroupWithoutActive);
        await using var a = await ListeningAgent.StartAsync(_host, Broken, nodeName: "web-a");
        await using var b = await ListeningAgent.StartAsync(_host, Broken, nodeName: "web-b");

        var group = await _api.CreateGroupAsync(Build.Group("web", Build.Member(a.NodeId, priority: 1), Build.Member(b.NodeId, priority: 2)));
        var fired = await OpenAlertAsync(rule, "the group without an active member fired");
        await a.ReportAsync(StandingBy);
        var activate = await a.WaitForCommandAsync(c => c.Kind == CommandKind.Activate && c.Role?.GroupId == group.Id, "the election's Activate");

        Assert.Equal(("group web", AlertSeverity.Warning), (fired.Target.Describe(), fired.Severity));
        Assert.StartsWith("group web has no active member: no member can take the active role", fired.Summary, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => Evaluator().Open.All(x => x.RuleId != rule), "the election resolved the alert");
        Assert.NotNull(activate.Role);
    }

    [Fact]
    public async Task A_switchover_drill_whose_target_does_not_activate_fires_drill_failed()
    {
        var rule = await AddRuleAsync(AlertCondition.DrillFailed);
        await using var a = await ListeningAgent.StartAsync(_host, StandingBy, nodeName: "web-a");
        await using var b = await ListeningAgent.StartAsync(_host, StandingBy, nodeName: "web-b");
        var group = await ElectAsync(a, b);

        using var started = await _http.PostAsJsonAsync(new Uri($"/api/v1/groups/{group.Id}/drills", UriKind.Relative), new { kind = "Switchover" }, TestContext.Current.CancellationToken);
        var deactivate = await a.WaitForCommandAsync(c => c.Kind == CommandKind.Deactivate && c.Role?.Epoch > group.Epoch, "Deactivate at the drill's epoch");
        await a.AnswerAsync(deactivate.Id);
        await a.ReportAsync(StandingBy, [Role(group.Id, deactivate.Role!.Epoch, active: false)]);
        var activate = await b.WaitForCommandAsync(c => c.Kind == CommandKind.Activate && c.Role?.GroupId == group.Id, "Activate on web-b");
        await b.AnswerAsync(activate.Id, succeeded: false, message: "the service would not start");
        var fired = await OpenAlertAsync(rule, "the failed drill fired");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("group web", fired.Target.Describe());
        Assert.StartsWith("group web: the Switchover drill (operator) failed: the Switchover failed:", fired.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_waiting_for_approval_fires_and_its_approval_resolves_the_alert()
    {
        var rule = await AddRuleAsync(AlertCondition.AgentAwaitingApproval);
        var admin = new EnrollmentAdmin(_http);
        var (_, token) = await admin.CreateTokenAsync(requiresApproval: true);
        var nodeId = Guid.NewGuid();

        var enrolled = await TestAgentConnection.EnrollAsync(_host.Address, token, nodeId, "web-9");
        var fired = await OpenAlertAsync(rule, "the pending agent fired");
        var approved = await admin.ApproveAsync(enrolled.AgentId!.Value);

        Assert.Equal("Pending", enrolled.State);
        Assert.Equal(($"node/{nodeId}/agent/{enrolled.AgentId}", "node web-9"), (fired.Target.Key, fired.Target.Describe()));
        Assert.Equal(HttpStatusCode.OK, approved);
        await Eventually.HoldsAsync(() => Evaluator().Open.All(x => x.RuleId != rule), "the approval resolved the alert");
    }

    private AlertEvaluator Evaluator() => _host.Services.GetRequiredService<AlertEvaluator>();

    private async Task<Alert> OpenAlertAsync(Guid rule, string what)
    {
        Alert? alert = null;
        await Eventually.HoldsAsync(() => (alert = Evaluator().Open.FirstOrDefault(x => x.RuleId == rule && x.Status == AlertStatus.Firing)) is not null, what);
        return alert!;
    }

    private async Task<Guid> AddRuleAsync(AlertCondition condition)
    {
        var rule = new AlertRule { Id = Guid.NewGuid(), Name = $"{condition}", Condition = condition, Channels = [Guid.NewGuid()] };
        await using (var db = await _host.OpenDatabaseAsync())
        {
            var now = DateTimeOffset.UtcNow;
            db.AlertRules.Add(new StoredAlertRule { Id = rule.Id, Name = rule.Name, Enabled = true, Definition = AlertJson.Write(rule), CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        await Evaluator().RefreshNowAsync(TestContext.Current.CancellationToken);
        return rule.Id;
    }

    /// <summary>Creates the group and plays both agents' part until web-a is confirmed active.</summary>
    private async Task<GroupResponse> ElectAsync(ListeningAgent a, ListeningAgent b)
    {
        var group = await _api.CreateGroupAsync(Build.Group("web", Build.Member(a.NodeId, priority: 1), Build.Member(b.NodeId, priority: 2)));
        var activate = await a.WaitForCommandAsync(c => c.Kind == CommandKind.Activate && c.Role?.GroupId == group.Id, "Activate");
        var epoch = activate.Role!.Epoch;
        await a.AnswerAsync(activate.Id, message: $"web is active at epoch {epoch}");
        await a.ReportAsync([Build.Service("web")], [Role(group.Id, epoch, active: true)]);
        await b.ReportAsync(roles: [Role(group.Id, epoch, active: false)]);
        return await _api.WaitForGroupAsync(group.Id, g => g.Transition is null && g.ActiveNodeId == a.NodeId, "web-a is confirmed active");
    }

    private static RoleReport Role(Guid groupId, long epoch, bool active) =>
        new() { GroupId = groupId, Service = "web", Epoch = epoch, Active = active, HoldsLease = active, ServiceUp = active };
}
