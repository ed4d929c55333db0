using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
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
/// <c>/api/v1/groups</c> on the real control plane, with two agents on real connections that report
/// "web" and "api" stopped and ready, so a group of them elects an active member by itself.
/// </summary>
public sealed class GroupsApiTests : IAsyncLifetime
{
    private static readonly Guid UnknownNode = Guid.Parse("2f9f3b9e-8f0e-4c55-9d7b-000000000002");
    private static readonly ServiceReport[] StandingBy = [Build.Service("web", ServiceState.Stopped, ServiceHealth.Healthy), Build.Service("api", ServiceState.Stopped, ServiceHealth.Healthy)];
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

    private GroupRequest WebGroup(string name = "web") => Build.Group(name, Build.Member(_a.NodeId, priority: 1), Build.Member(_b.NodeId, priority: 2));

    [Fact]
    public async Task A_group_of_two_nodes_is_created_with_its_members_epoch_and_status_and_can_be_read_back()
    {
        using var response = await _api.SendAsync(HttpMethod.Post, "/api/v1/groups", WebGroup() with { Description = "the web tier", RtoObjectiveSeconds = 10 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<GroupResponse>(CommandsAndGroupsClient.Json, TestContext.Current.CancellationToken))!;
        Assert.Equal($"/api/v1/groups/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("web", "the web tier", 10), (created.Name, created.Description, created.RtoObjectiveSeconds));
        Assert.Equal([("web-a", "web", 1), ("web-b", "web", 2)], created.Members.Select(m => (m.NodeName, m.Service, m.Priority)));
        Assert.All(created.Members, m => Assert.True(m.Reachable));
        Assert.InRange(created.Epoch, 0, 1);
        Assert.False(string.IsNullOrWhiteSpace(created.Status));
        Assert.Equal((IsolationPolicy.Stop, FailbackMode.Manual, 60), (created.Policy.Isolation, created.Policy.Failback, created.Policy.CooldownSeconds));

        Assert.Equal(created.Id, (await _api.FindGroupAsync(created.Id))!.Id);
        Assert.Equal([created.Id], (await _api.ListGroupsAsync()).Select(g => g.Id));
    }

    [Fact]
    public async Task A_group_is_changed_with_put_and_deleted_for_good()
    {
        var group = await _api.CreateGroupAsync(WebGroup());
        await _api.WaitForGroupAsync(group.Id, g => g.ActiveNodeId is not null, "an active member is chosen");
        var changed = WebGroup() with
        {
            Members = [Build.Member(_a.NodeId, priority: 20), Build.Member(_b.NodeId, priority: 10)],
            Policy = new PolicyRequest { Isolation = "KeepRunning", CooldownSeconds = 300, MaxFailovers = 5 },
        };

        using var put = await _api.SendAsync(HttpMethod.Put, $"/api/v1/groups/{group.Id}", changed);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var updated = (await put.Content.ReadFromJsonAsync<GroupResponse>(CommandsAndGroupsClient.Json, TestContext.Current.CancellationToken))!;
        Assert.Equal([("web-b", 10), ("web-a", 20)], updated.Members.Select(m => (m.NodeName, m.Priority)));
        Assert.Equal((IsolationPolicy.KeepRunning, 300, 5), (updated.Policy.Isolation, updated.Policy.CooldownSeconds, updated.Policy.MaxFailovers));
        Assert.Equal(IsolationPolicy.KeepRunning, (await _api.FindGroupAsync(group.Id))!.Policy.Isolation);

        using var delete = await _api.SendAsync(HttpMethod.Delete, $"/api/v1/groups/{group.Id}");
        using var afterwards = await _http.GetAsync(new Uri($"/api/v1/groups/{group.Id}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await CommandsAndGroupsClient.ProblemAsync(afterwards, HttpStatusCode.NotFound);
        Assert.Empty(await _api.ListGroupsAsync());
        await _a.WaitForCommandAsync(c => c.Kind == CommandKind.Release && c.Role?.GroupId == group.Id, "Release of the deleted group");
    }

    [Theory]
    [InlineData("no members", "members")]
    [InlineData("the same member twice", "members[1]")]
    [InlineData("a member on an unknown node", "members[1].nodeId")]
    [InlineData("a member without a node", "members[0].nodeId")]
    [InlineData("a member with an invalid service name", "members[0].service")]
    [InlineData("priority 0", "members[0].priority")]
    [InlineData("priority 1001", "members[1].priority")]
    [InlineData("an invalid name", "name")]
    [InlineData("no name", "name")]
    [InlineData("isolation Sometimes", "policy.isolation")]
    [InlineData("isolation 1", "policy.isolation")]
    [InlineData("isolation Stop,KeepRunning", "policy.isolation")]
    [InlineData("failback Later", "policy.failback")]
    [InlineData("negative cooldown", "policy.cooldownSeconds")]
    [InlineData("101 failovers", "policy.maxFailovers")]
    [InlineData("failover period under a minute", "policy.maxFailoversPeriodSeconds")]
    [InlineData("failback hour 24", "policy.failbackWindowStartHour")]
    [InlineData("a failback window without an end", "policy.failbackWindowEndHour")]
    [InlineData("rto 0", "rtoObjectiveSeconds")]
    [InlineData("an invalid drill schedule", "drills.schedule")]
    [InlineData("drill kind Nope", "drills.kind")]
    public async Task An_invalid_group_gets_a_problem_naming_the_field_and_nothing_is_stored(string invalid, string field)
    {
        var group = WebGroup();
        var request = invalid switch
        {
            "no members" => group with { Members = [] },
            "the same member twice" => group with { Members = [Build.Member(_a.NodeId), Build.Member(_a.NodeId, service: "WEB")] },
            "a member on an unknown node" => group with { Members = [Build.Member(_a.NodeId), Build.Member(UnknownNode)] },
            "a member without a node" => group with { Members = [new MemberRequest { Service = "web" }, Build.Member(_b.NodeId)] },
            "a member with an invalid service name" => group with { Members = [Build.Member(_a.NodeId, service: "web tier"), Build.Member(_b.NodeId)] },
            "priority 0" => group with { Members = [Build.Member(_a.NodeId, priority: 0), Build.Member(_b.NodeId)] },
            "priority 1001" => group with { Members = [Build.Member(_a.NodeId), Build.Member(_b.NodeId, priority: 1001)] },
            "an invalid name" => group with { Name = "web tier!" },
            "no name" => group with { Name = null },
            "isolation Sometimes" => group with { Policy = new PolicyRequest { Isolation = "Sometimes" } },
            "isolation 1" => group with { Policy = new PolicyRequest { Isolation = "1" } },
            // Enum parsing reads "Stop,KeepRunning" as Stop|KeepRunning, which is KeepRunning.
            "isolation Stop,KeepRunning" => group with { Policy = new PolicyRequest { Isolation = "Stop,KeepRunning" } },
            "failback Later" => group with { Policy = new PolicyRequest { Failback = "Later" } },
            "negative cooldown" => group with { Policy = new PolicyRequest { CooldownSeconds = -1 } },
            "101 failovers" => group with { Policy = new PolicyRequest { MaxFailovers = 101 } },
            "failover period under a minute" => group with { Policy = new PolicyRequest { MaxFailoversPeriodSeconds = 59 } },
            "failback hour 24" => group with { Policy = new PolicyRequest { FailbackWindowStartHour = 24, FailbackWindowEndHour = 6 } },
            "a failback window without an end" => group with { Policy = new PolicyRequest { FailbackWindowStartHour = 22 } },
            "rto 0" => group with { RtoObjectiveSeconds = 0 },
            "an invalid drill schedule" => group with { Drills = new DrillScheduleRequest { Schedule = "every sunday at three" } },
            "drill kind Nope" => group with { Drills = new DrillScheduleRequest { Kind = "Nope" } },
            _ => throw new ArgumentOutOfRangeException(nameof(invalid)),
        };

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/v1/groups", request);

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, field);
        Assert.Empty(await _api.ListGroupsAsync());
    }

    [Fact]
    public async Task Roles_in_ever_new_unknown_groups_get_a_bounded_number_of_Releases_and_one_warning()
    {
        var roles = Enumerable.Range(0, FailoverCoordinator.StrayReleasesPerNodeMax + 8)
            .Select(_ => new RoleReport { GroupId = Guid.NewGuid(), Service = "web", Epoch = 1, Active = false })
            .ToArray();

        await _a.ReportAsync(roles: roles);
        await _a.ReportAsync(roles: [.. roles.Take(4), new RoleReport { GroupId = Guid.NewGuid(), Service = "web", Epoch = 1, Active = false }]);

        await Eventually.HoldsAsync(
            () => _a.Received.Count(c => c.Kind == CommandKind.Release) >= FailoverCoordinator.StrayReleasesPerNodeMax,
            "the first Releases of unknown groups are delivered");
        await Eventually.HoldsAsync(
            () => _host.Logs.Contains(LogLevel.Warning, "reports roles in more than 32 unknown failover groups"), "one warning names the node");
        Assert.Equal(FailoverCoordinator.StrayReleasesPerNodeMax, _a.Received.Count(c => c.Kind == CommandKind.Release));
        Assert.Single(_host.Logs.Entries, e => e.Message.Contains("unknown failover groups", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_members_on_one_node_are_refused_naming_the_node()
    {
        var request = Build.Group("web", Build.Member(_a.NodeId, service: "web"), Build.Member(_a.NodeId, service: "api"), Build.Member(_b.NodeId));

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/v1/groups", request);

        var problem = await CommandsAndGroupsClient.ProblemAsync(response, HttpStatusCode.BadRequest);
        var error = problem.GetProperty("errors").GetProperty("members[1].nodeId")[0].GetString();
        Assert.Contains("web-a", error, StringComparison.Ordinal);
        Assert.Contains(_a.NodeId.ToString(), error, StringComparison.Ordinal);
        Assert.Contains("one member per node", error, StringComparison.Ordinal);
        Assert.Empty(await _api.ListGroupsAsync());
    }

    [Fact]
    public async Task A_name_another_group_has_is_refused()
    {
        await _api.CreateGroupAsync(WebGroup("shop"));

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/v1/groups", Build.Group("shop", Build.Member(_a.NodeId, service: "api"), Build.Member(_b.NodeId, service: "api")));

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, "name");
        Assert.Single(await _api.ListGroupsAsync());
    }

    [Fact]
    public async Task A_service_that_already_belongs_to_another_group_is_refused()
    {
        await _api.CreateGroupAsync(WebGroup("web"));

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/v1/groups", Build.Group("web-again", Build.Member(_b.NodeId, service: "WEB")));

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, "members[0]");
        Assert.Single(await _api.ListGroupsAsync());
    }

    public static TheoryData<string, string> EveryRoute => new()
    {
        { "GET", "" },
        { "PUT", "" },
        { "DELETE", "" },
        { "POST", "/switchover" },
        { "POST", "/confirm-down" },
        { "GET", "/history" },
        { "POST", "/drills" },
        { "GET", "/drills" },
    };

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task An_unknown_or_malformed_group_id_gets_a_404_problem_on_every_route(string method, string route)
    {
        foreach (var id in new[] { "2f9f3b9e-8f0e-4c55-9d7b-000000000000", "not-a-guid" })
        {
            object? body = method switch { "PUT" => WebGroup(), "POST" => new { }, _ => null };

            using var response = await _api.SendAsync(new HttpMethod(method), $"/api/v1/groups/{id}{route}", body);

            var problem = await CommandsAndGroupsClient.ProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Contains(id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await _api.ListGroupsAsync());
    }

    [Theory]
    [InlineData("2f9f3b9e-8f0e-4c55-9d7b-000000000000")]
    [InlineData("not-a-guid")]
    public async Task An_unknown_drill_gets_a_404_problem(string id)
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/drills/{id}", UriKind.Relative), TestContext.Current.CancellationToken);

        await CommandsAndGroupsClient.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_history_of_a_new_group_holds_at_most_its_election()
    {
        var group = await _api.CreateGroupAsync(WebGroup());

        var history = await HistoryAsync(group.Id);

        Assert.InRange(history.TotalCount, 0, 1);
        Assert.All(history.Items, r => Assert.Equal(TransitionKind.Election, r.Kind));
    }

    [Fact]
    public async Task A_drill_of_an_unknown_kind_gets_a_problem_naming_the_kind()
    {
        var group = await _api.CreateGroupAsync(WebGroup());

        using var response = await _api.SendAsync(HttpMethod.Post, $"/api/v1/groups/{group.Id}/drills", new { kind = "Nope" });

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, "kind");
    }

    private async Task<PagedResult<HistoryResponse>> HistoryAsync(Guid groupId) =>
        (await _http.GetFromJsonAsync<PagedResult<HistoryResponse>>(
            new Uri($"/api/v1/groups/{groupId}/history", UriKind.Relative), CommandsAndGroupsClient.Json, TestContext.Current.CancellationToken))!;

}
