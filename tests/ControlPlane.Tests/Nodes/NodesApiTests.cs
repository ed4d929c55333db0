using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Nodes;

public sealed class NodesApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private readonly List<TestAgentConnection> _agents = [];
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private NodesApiClient _api = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _http = _host.CreateHttpClient();
        _api = new NodesApiClient(_http);
        foreach (var name in new[] { "db-02", "web-01", "web-03", "app-04" })
        {
            var agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeName: name);
            await agent.RegisterAsync();
            _agents.Add(agent);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task The_list_is_sorted_by_name_and_paged()
    {
        var first = await _api.ListAsync("?pageSize=3");
        var second = await _api.ListAsync("?pageSize=3&page=2");

        Assert.Equal(["app-04", "db-02", "web-01"], first.Items.Select(n => n.Name));
        Assert.Equal(["web-03"], second.Items.Select(n => n.Name));
        Assert.Equal(4, first.TotalCount);
        Assert.Equal(2, second.Page);
    }

    [Fact]
    public async Task The_list_filters_by_name_and_liveness()
    {
        var webNodes = await _api.ListAsync("?name=WEB");
        var lost = await _api.ListAsync("?liveness=lost");

        Assert.Equal(["web-01", "web-03"], webNodes.Items.Select(n => n.Name));
        Assert.Empty(lost.Items);
        Assert.Equal(4, (await _api.ListAsync("?liveness=Alive")).TotalCount);
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=501", "pageSize")]
    [InlineData("?pageSize=ten", "pageSize")]
    [InlineData("?liveness=Dead", "liveness")]
    public Task A_bad_query_gets_a_problem_naming_the_parameter(string query, string field) =>
        Problems.AssertNamesFieldAsync(_http, $"/api/v1/nodes{query}", field);

    [Theory]
    [InlineData("2f9f3b9e-8f0e-4c55-9d7b-000000000000")]
    [InlineData("not-a-guid")]
    public async Task An_unknown_node_id_gets_a_404_problem(string id)
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/nodes/{id}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains(id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_is_returned_with_its_liveness_as_a_name()
    {
        var json = await _http.GetStringAsync(new Uri($"/api/v1/nodes/{_agents[0].NodeId}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("\"liveness\":\"Alive\"", json, StringComparison.Ordinal);
        Assert.Equal(NodeLiveness.Alive, (await _api.FindAsync(_agents[0].NodeId))!.Liveness);
    }

    [Fact]
    public async Task The_windows_services_an_agent_lists_at_registration_are_served_and_replaced_by_its_next_registration()
    {
        var agent = _agents[1];
        var notListed = await InstalledServicesAsync(agent.NodeId);
        await agent.RegisterAsync(agent.Registration() with { InstalledServices = [new() { Name = "W3SVC", DisplayName = "World Wide Web Publishing Service" }, new() { Name = "Spooler" }] });
        var listed = await InstalledServicesAsync(agent.NodeId);
        await agent.RegisterAsync(agent.Registration() with { InstalledServices = [new() { Name = "Spooler" }] });
        var relisted = await InstalledServicesAsync(agent.NodeId);

        Assert.False(notListed.GetProperty("reported").GetBoolean());
        Assert.Empty(notListed.GetProperty("services").EnumerateArray());
        Assert.True(listed.GetProperty("reported").GetBoolean());
        Assert.Equal(["W3SVC", "Spooler"], listed.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("World Wide Web Publishing Service", listed.GetProperty("services")[0].GetProperty("displayName").GetString());
        Assert.Equal(["Spooler"], relisted.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_registration_with_an_installed_service_name_too_long_is_refused_naming_it()
    {
        var agent = _agents[2];
        var tooLong = agent.Registration() with { InstalledServices = [new() { Name = new string('s', 257) }] };

        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => agent.RegisterAsync(tooLong));

        Assert.Contains("installedServices[0].name", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_installed_services_of_an_unknown_node_get_a_404_problem()
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/nodes/{Guid.NewGuid()}/installed-services", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_nodes_endpoints_and_their_errors()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/nodes", out var list));
        Assert.True(list.GetProperty("get").GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(paths.GetProperty("/api/v1/nodes/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("NodeResponse", out _));
    }

    private async Task<JsonElement> InstalledServicesAsync(Guid nodeId) =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{nodeId}/installed-services", UriKind.Relative), TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("/scalar/v1")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/nodes")]
    public async Task Operator_pages_and_probes_answer(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
