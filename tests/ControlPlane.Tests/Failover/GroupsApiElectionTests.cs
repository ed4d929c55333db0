using System.Net;
using System.Net.Http.Json;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// A group's election as two agents on real connections see it (role commands, leases), and the
/// operator's moves on an elected group that the control plane must refuse.
/// </summary>
public sealed class GroupsApiElectionTests : IAsyncLifetime
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
        _host = await ControlPlaneHost.StartAsync(_database, ListeningAgent.HostSettings());
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
    public async Task A_new_group_activates_its_preferred_member_and_deactivates_the_other_with_the_groups_epoch()
    {
        var group = await _api.CreateGroupAsync(WebGroup());

        var activate = await _a.WaitForCommandAsync(c => c.Kind == CommandKind.Activate, "Activate");
        var elected = await _api.WaitForGroupAsync(group.Id, g => g.ActiveNodeId == _a.NodeId, "web-a is the active member");
        var deactivate = await _b.WaitForCommandAsync(c => c.Kind == CommandKind.Deactivate && c.Role?.Epoch == elected.Epoch, "Deactivate at the group's epoch");

        Assert.Equal(1, elected.Epoch);
        Assert.All([activate, deactivate], c => Assert.Equal((group.Id, "web", elected.Epoch), (c.Role!.GroupId, c.Service, c.Role.Epoch)));
        Assert.Equal(("web", IsolationPolicy.Stop), (activate.Role!.GroupName, activate.Role.Terms.Isolation));
        Assert.True(activate.Role.LeaseMs > 0);
        Assert.DoesNotContain(_b.Received, c => c.Kind == CommandKind.Activate);
        Assert.DoesNotContain(_a.Received, c => c.Kind == CommandKind.Deactivate && c.Role?.Epoch == elected.Epoch);
    }

    [Fact]
    public async Task The_active_members_heartbeats_renew_its_lease_and_confirm_the_election_in_the_history()
    {
        var group = await ElectWebAAsync();

        var ack = await _a.ReportAsync();
        var standbyAck = await _b.ReportAsync();

        var lease = Assert.Single(ack.Leases);
        Assert.Equal((group.Id, group.Epoch), (lease.GroupId, lease.Epoch));
        Assert.True(lease.LeaseMs > 0);
        Assert.Empty(standbyAck.Leases);
        Assert.Equal((_a.NodeId, 1L), (group.ActiveNodeId, group.Epoch));
        PagedResult<HistoryResponse>? history = null;
        await Eventually.HoldsAsync(
            async () => (history = await _http.GetFromJsonAsync<PagedResult<HistoryResponse>>(
                new Uri($"/api/v1/groups/{group.Id}/history", UriKind.Relative), CommandsAndGroupsClient.Json, TestContext.Current.CancellationToken))!.Items.All(h => h.Outcome != TransitionOutcome.InProgress),
            "the election is confirmed at the coordinator's next look");
        var election = Assert.Single(history!.Items);
        Assert.Equal((TransitionKind.Election, _a.NodeId, 1L, TransitionOutcome.Completed), (election.Kind, election.ToNodeId, election.Epoch, election.Outcome));
        Assert.NotNull(election.ConfirmedAt);
    }

    [Fact]
    public async Task An_edit_of_the_isolation_reaches_the_active_member_with_its_next_renewal_at_the_same_epoch()
    {
        var group = await ElectWebAAsync();
        var before = Assert.Single((await _a.ReportAsync([Build.Service("web")], [Role(group.Id, group.Epoch, active: true)])).Leases);

        using var edited = await _api.SendAsync(HttpMethod.Put, $"/api/v1/groups/{group.Id}", WebGroup() with { Policy = new PolicyRequest { Isolation = "KeepRunning" } });
        var after = Assert.Single((await _a.ReportAsync([Build.Service("web")], [Role(group.Id, group.Epoch, active: true)])).Leases);

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(IsolationPolicy.Stop, before.Terms.Isolation);
        Assert.Equal((group.Epoch, IsolationPolicy.KeepRunning), (after.Epoch, after.Terms.Isolation));
        Assert.True(after.Terms.Version > before.Terms.Version, $"terms version {after.Terms.Version} after the edit, {before.Terms.Version} before");
    }

    [Fact]
    public async Task A_member_taken_out_of_the_group_is_told_to_forget_its_role()
    {
        var group = await ElectWebAAsync();

        using var edited = await _api.SendAsync(HttpMethod.Put, $"/api/v1/groups/{group.Id}", Build.Group("web", Build.Member(_a.NodeId, priority: 1)));
        var release = await _b.WaitForCommandAsync(c => c.Kind == CommandKind.Release && c.Role?.GroupId == group.Id, "Release");

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("web", release.Service);
        Assert.DoesNotContain(_a.Received, c => c.Kind == CommandKind.Release);
    }

    [Fact]
    public async Task A_switchover_to_a_node_that_is_not_a_member_gets_a_problem_naming_the_target()
    {
        var group = await ElectWebAAsync();

        using var response = await _api.SendAsync(HttpMethod.Post, $"/api/v1/groups/{group.Id}/switchover", new { targetNodeId = Guid.NewGuid() });

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, "targetNodeId");
        Assert.Equal((1L, _a.NodeId), await EpochAndActiveAsync(group.Id));
    }

    [Fact]
    public async Task A_switchover_to_a_member_whose_node_is_not_connected_is_refused_and_nothing_changes()
    {
        var group = await ElectWebAAsync();
        await _b.DisposeAsync();
        await _api.WaitForGroupAsync(group.Id, g => g.Members.Single(m => m.NodeId == _b.NodeId) is { Reachable: false, Eligible: false }, "web-b is unreachable");

        using var response = await _api.SendAsync(HttpMethod.Post, $"/api/v1/groups/{group.Id}/switchover", new { targetNodeId = _b.NodeId });

        var problem = await CommandsAndGroupsClient.ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("not reachable", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((1L, _a.NodeId), await EpochAndActiveAsync(group.Id));
        Assert.Null((await _api.FindGroupAsync(group.Id))!.Transition);
    }

    [Fact]
    public async Task Confirming_that_a_reachable_node_is_down_is_refused()
    {
        var group = await _api.CreateGroupAsync(WebGroup() with { Policy = new PolicyRequest { Isolation = "KeepRunning" } });

        using var response = await _api.SendAsync(HttpMethod.Post, $"/api/v1/groups/{group.Id}/confirm-down", new { nodeId = _b.NodeId });

        var problem = await CommandsAndGroupsClient.ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("reachable", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirming_that_a_node_outside_the_group_is_down_gets_a_problem_naming_the_node()
    {
        var group = await _api.CreateGroupAsync(WebGroup());

        using var response = await _api.SendAsync(HttpMethod.Post, $"/api/v1/groups/{group.Id}/confirm-down", new { nodeId = Guid.NewGuid() });

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, "nodeId");
    }

    private GroupRequest WebGroup() => Build.Group("web", Build.Member(_a.NodeId, priority: 1), Build.Member(_b.NodeId, priority: 2));

    /// <summary>Creates the group and plays both agents' part until web-a is confirmed active at epoch 1.</summary>
    private async Task<GroupResponse> ElectWebAAsync()
    {
        var group = await _api.CreateGroupAsync(WebGroup());
        var activate = await _a.WaitForCommandAsync(c => c.Kind == CommandKind.Activate && c.Role?.GroupId == group.Id, "Activate");
        var epoch = activate.Role!.Epoch;
        await _a.AnswerAsync(activate.Id, message: $"web is active at epoch {epoch}");
        await _a.ReportAsync([Build.Service("web")], [Role(group.Id, epoch, active: true)]);
        await _b.ReportAsync(roles: [Role(group.Id, epoch, active: false)]);
        return await _api.WaitForGroupAsync(group.Id, g => g.Transition is null && g.ActiveNodeId == _a.NodeId, "web-a is confirmed active");
    }

    private async Task<(long Epoch, Guid? Active)> EpochAndActiveAsync(Guid groupId)
    {
        var group = (await _api.FindGroupAsync(groupId))!;
        return (group.Epoch, group.ActiveNodeId);
    }

    private static RoleReport Role(Guid groupId, long epoch, bool active) =>
        new() { GroupId = groupId, Service = "web", Epoch = epoch, Active = active, HoldsLease = active, ServiceUp = active };
}
