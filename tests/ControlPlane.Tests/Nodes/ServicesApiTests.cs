using System.Net.Http.Json;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Nodes;

/// <summary><c>/api/v1/services</c> on the real control plane, with three agents on real connections reporting their services.</summary>
public sealed class ServicesApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private ListeningAgent _db = null!;
    private ListeningAgent _webA = null!;
    private ListeningAgent _webB = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database, ListeningAgent.HostSettings());
        _http = _host.CreateHttpClient();
        _db = await ListeningAgent.StartAsync(_host, [Build.Service("postgres"), Build.Service("backup", ServiceState.Stopped, ServiceHealth.Stopped)], nodeName: "db-01");
        _webA = await ListeningAgent.StartAsync(_host, [Build.Service("web", ServiceState.Stopped), Build.Service("api", health: ServiceHealth.Unhealthy)], nodeName: "web-a");
        _webB = await ListeningAgent.StartAsync(_host, [Build.Service("web", ServiceState.Stopped), Build.Service("api")], nodeName: "web-b");
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await _webA.DisposeAsync();
        await _webB.DisposeAsync();
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Every_service_of_every_node_is_listed_by_name_then_node_and_paged()
    {
        var first = await ListAsync("?pageSize=4");
        var second = await ListAsync("?pageSize=4&page=2");

        Assert.Equal(["api@web-a", "api@web-b", "backup@db-01", "postgres@db-01"], first.Items.Select(Label));
        Assert.Equal(["web@web-a", "web@web-b"], second.Items.Select(Label));
        Assert.Equal((6, 6, 2, 4), (first.TotalCount, second.TotalCount, second.Page, second.PageSize));
        var api = first.Items[0];
        Assert.Equal((_webA.NodeId, ServiceState.Running, ServiceHealth.Unhealthy, "api is Running"), (api.NodeId, api.State, api.Health, api.Reason));
        Assert.Empty(api.Groups);
    }

    [Fact]
    public async Task The_list_filters_by_node_name_state_and_health()
    {
        Assert.Equal(["backup@db-01", "postgres@db-01"], (await ListAsync($"?node={_db.NodeId}")).Items.Select(Label));
        Assert.Equal(["postgres@db-01"], (await ListAsync("?name=GRES")).Items.Select(Label));
        Assert.Equal(["backup@db-01", "web@web-a", "web@web-b"], (await ListAsync("?state=stopped")).Items.Select(Label));
        Assert.Equal(["api@web-a"], (await ListAsync("?health=Unhealthy&state=Running")).Items.Select(Label));
        Assert.Empty((await ListAsync($"?node={_db.NodeId}&name=web")).Items);
    }

    [Fact]
    public async Task The_list_shows_and_filters_by_failover_group_membership()
    {
        var api = new CommandsAndGroupsClient(_http);
        var group = await api.CreateGroupAsync(Build.Group("web", Build.Member(_webA.NodeId, priority: 1), Build.Member(_webB.NodeId, priority: 2)));
        group = await api.WaitForGroupAsync(group.Id, g => g.ActiveNodeId is not null, "an active member");

        var members = await ListAsync($"?group={group.Id}");

        Assert.Equal(["web@web-a", "web@web-b"], members.Items.Select(Label));
        Assert.All(members.Items, s => Assert.Equal((group.Id, "web"), (s.Groups.Single().Id, s.Groups.Single().Name)));
        Assert.Equal([group.ActiveNodeId!.Value], members.Items.Where(s => s.Groups.Single().Active).Select(s => s.NodeId));
        Assert.Empty((await ListAsync($"?group={Guid.NewGuid()}")).Items);
        Assert.Empty((await ListAsync("?name=api")).Items.SelectMany(s => s.Groups));
    }

    [Theory]
    [InlineData("?node=db-01", "node")]
    [InlineData("?state=Dead", "state")]
    [InlineData("?state=3", "state")]
    [InlineData("?health=Sick", "health")]
    [InlineData("?group=web", "group")]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=501", "pageSize")]
    public Task A_bad_query_gets_a_problem_naming_the_parameter(string query, string field) =>
        Problems.AssertNamesFieldAsync(_http, $"/api/v1/services{query}", field);

    private static string Label(ManagedServiceResponse service) => $"{service.Name}@{service.NodeName}";

    private async Task<PagedResult<ManagedServiceResponse>> ListAsync(string query) =>
        (await _http.GetFromJsonAsync<PagedResult<ManagedServiceResponse>>(
            new Uri($"/api/v1/services{query}", UriKind.Relative), NodesApiClient.Json, TestContext.Current.CancellationToken))!;
}
