using System.Net;
using System.Net.Http.Json;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Commands;

/// <summary><c>/api/v1/commands</c> on the real control plane, with an agent on a real connection that reports "web" and "api".</summary>
public sealed class CommandsApiTests : IAsyncLifetime
{
    private static readonly Guid UnknownNode = Guid.Parse("2f9f3b9e-8f0e-4c55-9d7b-000000000001");
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private CommandsAndGroupsClient _api = null!;
    private ListeningAgent _node = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database, ListeningAgent.HostSettings());
        _http = _host.CreateHttpClient();
        _api = new CommandsAndGroupsClient(_http);
        _node = await ListeningAgent.StartAsync(_host, [Build.Service("web"), Build.Service("api", ServiceState.Stopped, ServiceHealth.Stopped)], nodeName: "web-01");
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_command_for_a_service_the_node_reports_is_stored_and_located()
    {
        using var response = await _api.PostCommandAsync(new { nodeId = _node.NodeId, service = "WEB", kind = "Restart", timeToLiveSeconds = 60, timeoutSeconds = 30 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var command = (await response.Content.ReadFromJsonAsync<CommandResponse>(CommandsAndGroupsClient.Json, TestContext.Current.CancellationToken))!;
        Assert.Equal($"/api/v1/commands/{command.Id}", response.Headers.Location?.OriginalString);
        Assert.True(command.State is CommandState.Pending or CommandState.Sent, $"state {command.State}");
        Assert.Equal(("web", "Restart", "api", "web-01"), (command.Service, command.Kind, command.Origin, command.NodeName));
        Assert.Equal(TimeSpan.FromSeconds(60), command.ExpiresAt - command.CreatedAt);
        Assert.Equal(command.Id, (await _api.FindCommandAsync(command.Id))!.Id);
    }

    [Fact]
    public async Task A_created_command_reads_back_with_the_times_it_was_created_with()
    {
        var created = await _api.SubmitAsync(_node.NodeId, "restart", timeToLiveSeconds: 60);

        var read = (await _api.FindCommandAsync(created.Id))!;

        Assert.Equal((created.CreatedAt, created.ExpiresAt), (read.CreatedAt, read.ExpiresAt));
    }

    [Theory]
    [InlineData("no node", "nodeId")]
    [InlineData("unknown node", "nodeId")]
    [InlineData("no service", "service")]
    [InlineData("service the node does not report", "service")]
    [InlineData("no kind", "kind")]
    [InlineData("kind activate", "kind")]
    [InlineData("kind kill", "kind")]
    [InlineData("kind 7", "kind")]
    [InlineData("kind 0", "kind")]
    [InlineData("two kinds in one", "kind")]
    [InlineData("time-to-live 0", "timeToLiveSeconds")]
    [InlineData("time-to-live over a day", "timeToLiveSeconds")]
    [InlineData("timeout 0", "timeoutSeconds")]
    [InlineData("timeout over an hour", "timeoutSeconds")]
    public async Task An_invalid_command_gets_a_problem_naming_the_field_and_nothing_is_stored(string invalid, string field)
    {
        var node = _node.NodeId;
        object body = invalid switch
        {
            "no node" => new { service = "web", kind = "restart" },
            "unknown node" => new { nodeId = UnknownNode, service = "web", kind = "restart" },
            "no service" => new { nodeId = node, kind = "restart" },
            "service the node does not report" => new { nodeId = node, service = "db", kind = "restart" },
            "no kind" => new { nodeId = node, service = "web" },
            "kind activate" => new { nodeId = node, service = "web", kind = "activate" },
            "kind kill" => new { nodeId = node, service = "web", kind = "Kill" },
            "kind 7" => new { nodeId = node, service = "web", kind = "7" },
            "kind 0" => new { nodeId = node, service = "web", kind = "0" },
            // Enum parsing reads "stop,start" as Stop|Start, which is Pause: an operator would get a command never asked for.
            "two kinds in one" => new { nodeId = node, service = "web", kind = "stop,start" },
            "time-to-live 0" => new { nodeId = node, service = "web", kind = "restart", timeToLiveSeconds = 0 },
            "time-to-live over a day" => new { nodeId = node, service = "web", kind = "restart", timeToLiveSeconds = 86_401 },
            "timeout 0" => new { nodeId = node, service = "web", kind = "restart", timeoutSeconds = 0 },
            "timeout over an hour" => new { nodeId = node, service = "web", kind = "restart", timeoutSeconds = 3_601 },
            _ => throw new ArgumentOutOfRangeException(nameof(invalid)),
        };

        using var response = await _api.PostCommandAsync(body);

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, field);
        Assert.Equal(0, (await _api.ListCommandsAsync()).TotalCount);
    }

    [Fact]
    public async Task An_over_long_idempotency_key_gets_a_problem_naming_the_header()
    {
        using var response = await _api.PostCommandAsync(new { nodeId = _node.NodeId, service = "web", kind = "restart" }, new string('k', 129));

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, "Idempotency-Key");
        Assert.Equal(0, (await _api.ListCommandsAsync()).TotalCount);
    }

    [Theory]
    [InlineData("2f9f3b9e-8f0e-4c55-9d7b-000000000000")]
    [InlineData("not-a-guid")]
    public async Task An_unknown_or_malformed_command_id_gets_a_404_problem(string id)
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/commands/{id}", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await CommandsAndGroupsClient.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_returns_the_first_command_and_the_agent_gets_it_once()
    {
        var body = new { nodeId = _node.NodeId, service = "web", kind = "restart" };

        using var first = await _api.PostCommandAsync(body, "restart-web-01");
        using var again = await _api.PostCommandAsync(body with { kind = "Restart" }, "restart-web-01");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(["true"], again.Headers.GetValues("Idempotent-Replayed"));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var stored = (await first.Content.ReadFromJsonAsync<CommandResponse>(CommandsAndGroupsClient.Json, TestContext.Current.CancellationToken))!;
        var replayed = (await again.Content.ReadFromJsonAsync<CommandResponse>(CommandsAndGroupsClient.Json, TestContext.Current.CancellationToken))!;
        Assert.Equal(stored.Id, replayed.Id);
        Assert.Equal(1, (await _api.ListCommandsAsync()).TotalCount);

        // A later command on the same connection arrives after anything sent for the first: a barrier, not a pause.
        await _node.WaitForCommandAsync(stored.Id);
        var later = await _api.SubmitAsync(_node.NodeId, "stop", "api");
        await _node.WaitForCommandAsync(later.Id);
        Assert.Equal(1, _node.TimesReceived(stored.Id));
    }

    [Fact]
    public async Task Concurrent_requests_with_the_same_idempotency_key_store_one_command()
    {
        var body = new { nodeId = _node.NodeId, service = "web", kind = "restart" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _api.PostCommandAsync(body, "restart-web-01-racing")));

        try
        {
            var answers = string.Join("\n", await Task.WhenAll(responses.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}")));
            Assert.True(responses.All(r => r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK), answers);
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            Assert.Equal(1, (await _api.ListCommandsAsync()).TotalCount);
        }
        finally
        {
            Array.ForEach(responses, r => r.Dispose());
        }
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_request_gets_a_422_problem()
    {
        using var first = await _api.PostCommandAsync(new { nodeId = _node.NodeId, service = "web", kind = "restart" }, "web-01-once");
        using var different = await _api.PostCommandAsync(new { nodeId = _node.NodeId, service = "web", kind = "stop" }, "web-01-once");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var problem = await CommandsAndGroupsClient.ProblemAsync(different, (HttpStatusCode)422);
        Assert.Contains("Idempotency-Key", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await _api.ListCommandsAsync()).TotalCount);
    }

    [Fact]
    public async Task The_list_filters_by_node_service_state_and_kind_newest_first()
    {
        var restartWeb = await _api.SubmitAsync(_node.NodeId, "restart", "web");
        var stopApi = await _api.SubmitAsync(_node.NodeId, "stop", "api");
        var startApi = await _api.SubmitAsync(_node.NodeId, "start", "api");
        await _node.WaitForCommandAsync(startApi.Id);
        await _node.AnswerAsync(stopApi.Id, succeeded: true, "stopped");

        Assert.Equal([startApi.Id, stopApi.Id, restartWeb.Id], (await _api.ListCommandsAsync($"?node={_node.NodeId}")).Items.Select(c => c.Id));
        Assert.Equal([startApi.Id, stopApi.Id], (await _api.ListCommandsAsync("?service=api")).Items.Select(c => c.Id));
        Assert.Equal([stopApi.Id], (await _api.ListCommandsAsync("?state=succeeded")).Items.Select(c => c.Id));
        Assert.Equal([restartWeb.Id], (await _api.ListCommandsAsync("?kind=Restart")).Items.Select(c => c.Id));
        Assert.Equal([startApi.Id, restartWeb.Id], (await _api.ListCommandsAsync("?state=Sent")).Items.Select(c => c.Id));
        Assert.Empty((await _api.ListCommandsAsync($"?node={Guid.NewGuid()}")).Items);
        Assert.Empty((await _api.ListCommandsAsync("?kind=activate")).Items);
    }

    [Fact]
    public async Task The_list_is_paged_with_the_total()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _api.SubmitAsync(_node.NodeId, "restart")).Id);
        }

        var first = await _api.ListCommandsAsync("?pageSize=2");
        var last = await _api.ListCommandsAsync("?pageSize=2&page=3");
        var beyond = await _api.ListCommandsAsync("?pageSize=2&page=4");

        Assert.Equal([ids[4], ids[3]], first.Items.Select(c => c.Id));
        Assert.Equal([ids[0]], last.Items.Select(c => c.Id));
        Assert.Empty(beyond.Items);
        Assert.Equal((5, 3, 2), (first.TotalCount, last.Page, last.PageSize));
    }

    [Theory]
    [InlineData("?node=web-01", "node")]
    [InlineData("?state=Done", "state")]
    [InlineData("?state=1", "state")]
    [InlineData("?state=Pending,Sent", "state")]
    [InlineData("?kind=Dance", "kind")]
    [InlineData("?group=nope", "group")]
    [InlineData("?page=0", "page")]
    [InlineData("?page=first", "page")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=501", "pageSize")]
    public Task A_bad_list_query_gets_a_problem_naming_the_parameter(string query, string field) =>
        Problems.AssertNamesFieldAsync(_http, $"/api/v1/commands{query}", field);
}
