using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Configurations;

public sealed class DesiredConfigurationApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private TestAgentConnection _agent = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _http = _host.CreateHttpClient();
        _agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
        await _agent.RegisterAsync();
        await Eventually.HoldsAsync(async () => await _host.StoredNodeAsync(_agent.NodeId) is not null, "the node row exists");
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_node_without_a_desired_configuration_has_version_0_and_no_services()
    {
        var configuration = await _http.GetFromJsonAsync<DesiredConfiguration>(Url(), NodesApiClient.Json, TestContext.Current.CancellationToken);

        Assert.Equal(0, configuration!.Version);
        Assert.Empty(configuration.Services);
    }

    [Fact]
    public async Task A_stored_configuration_is_pushed_to_the_connected_agent_which_fetches_it()
    {
        var notified = _agent.NextConfigChangedAsync();

        using var response = await PutAsync(new { services = new[] { Web() } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await notified.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        var fetched = await _agent.GetDesiredConfigurationAsync();
        Assert.Equal(1, fetched.Version);
        var service = Assert.Single(fetched.Services);
        Assert.Equal("web", service.Name);
        Assert.Equal(["--port", "8080"], service.Arguments);
        Assert.Equal(TimeSpan.FromMilliseconds(500), service.Probes[0].Interval);
    }

    [Fact]
    public async Task Each_change_gets_the_next_version_and_an_agent_that_registers_later_learns_it()
    {
        await (await PutAsync(new { services = new[] { Web() } })).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var second = await PutAsync(new { services = Array.Empty<object>() });
        var stored = await second.Content.ReadFromJsonAsync<DesiredConfiguration>(NodesApiClient.Json, TestContext.Current.CancellationToken);

        await using var again = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, _agent.NodeId);
        var accepted = await again.RegisterAsync();

        Assert.Equal(2, stored!.Version);
        Assert.Equal(2, accepted.ConfigVersion);
    }

    [Fact]
    public async Task An_invalid_configuration_is_refused_naming_each_field_and_nothing_changes()
    {
        var body = new
        {
            services = new object[]
            {
                Web(),
                new { name = "web", kind = "process", executable = "/bin/true" },
                new { name = "db", kind = "mystery" },
                new { name = "api", kind = "process", executable = "/bin/true", probes = new[] { new { kind = "http", url = "nope", interval = "00:00:02", timeout = "00:00:05" } } },
            },
        };

        using var response = await PutAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("services[1].name", out _));
        Assert.True(errors.TryGetProperty("services[2].kind", out _));
        Assert.True(errors.TryGetProperty("services[3].probes[0].url", out _));
        Assert.True(errors.TryGetProperty("services[3].probes[0].timeout", out _));
        Assert.Equal(0, (await _http.GetFromJsonAsync<DesiredConfiguration>(Url(), NodesApiClient.Json, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_a_problem()
    {
        using var content = new StringContent("{\"services\": [", Encoding.UTF8, "application/json");

        using var response = await _http.PutAsync(Url(), content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Null_collections_read_as_empty_and_a_null_entry_is_refused()
    {
        const string withNulls = """
            {"services":[{"name":"api","kind":"process","executable":"/bin/true","arguments":null,"environment":null,"logs":null,"restart":null,"probes":null}]}
            """;
        using var accepted = await PutJsonAsync(withNulls);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var stored = await _http.GetFromJsonAsync<JsonElement>(Url(), TestContext.Current.CancellationToken);
        var service = stored.GetProperty("services")[0];
        Assert.Equal(0, service.GetProperty("probes").GetArrayLength());
        Assert.Equal(0, service.GetProperty("arguments").GetArrayLength());
        Assert.Equal(JsonValueKind.Object, service.GetProperty("logs").ValueKind);

        using var refused = await PutJsonAsync("""{"services":[null]}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("services[0].name", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_program_the_nodes_agent_does_not_allow_is_refused_naming_the_field_and_the_agents_setting()
    {
        await _agent.RegisterAsync(_agent.Registration() with { RemoteExecution = new RemoteExecutionPolicy { AllowedFolders = ["/opt/web"] } });
        var hooked = new { name = "vip", kind = ServiceKinds.Windows, serviceName = "W3SVC", hooks = new { onActivate = new[] { "/usr/bin/ip", "addr", "add" } } };

        using var refused = await PutAsync(new { services = new[] { Web(), hooked } });
        using var allowed = await PutAsync(new { services = new[] { Web() } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains(_agent.NodeName, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var reason = Assert.Single(problem.GetProperty("errors").GetProperty("services[1].hooks.onActivate[0]").EnumerateArray()).GetString();
        Assert.Contains("'/usr/bin/ip' is not allowed", reason, StringComparison.Ordinal);
        Assert.Contains("Agent:RemoteExecution:AllowedFolders", reason, StringComparison.Ordinal);
        Assert.False(problem.GetProperty("errors").TryGetProperty("services[0].executable", out _));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_changes_what_an_agent_executes_and_the_change_is_audited_with_the_services()
    {
        using var operatorHttp = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Operator));
        using var asAdmin = await PutAsync(new { services = new[] { Web() } });
        var otherProbe = new { name = "web", kind = ServiceKinds.Process, executable = "/opt/web/web", arguments = new[] { "--port", "8080" }, probes = new[] { new { kind = "tcp", host = "127.0.0.1", port = 8080 } } };
        var otherArguments = new { name = "web", kind = ServiceKinds.Process, executable = "/opt/web/web", arguments = new[] { "--port", "9090" } };
        var commandProbe = new { name = "web", kind = ServiceKinds.Process, executable = "/opt/web/web", arguments = new[] { "--port", "8080" }, probes = new[] { new { kind = "command", command = "/bin/sh", arguments = new[] { "-c", "true" } } } };

        using var probeChanged = await operatorHttp.PutAsJsonAsync(Url(), new { services = new[] { otherProbe } }, TestContext.Current.CancellationToken);
        using var argumentsChanged = await operatorHttp.PutAsJsonAsync(Url(), new { services = new[] { otherArguments } }, TestContext.Current.CancellationToken);
        using var commandProbeAdded = await operatorHttp.PutAsJsonAsync(Url(), new { services = new[] { commandProbe } }, TestContext.Current.CancellationToken);
        using var removed = await operatorHttp.PutAsJsonAsync(Url(), new { services = Array.Empty<object>() }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, probeChanged.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, argumentsChanged.StatusCode);
        Assert.Contains("requires Admin", await argumentsChanged.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, commandProbeAdded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await _host.OpenDatabaseAsync();
                var entries = db.AuditLog.Where(e => e.Action == "PutNodeConfiguration").ToList();
                return entries.Count(e => e.Outcome == "Succeeded" && e.Detail!.Contains("changes what the agent executes for web", StringComparison.Ordinal)) == 1
                    && entries.Count(e => e.Outcome == "Denied" && e.Actor.StartsWith("key:", StringComparison.Ordinal) && e.Detail!.Contains("changes what the agent executes for web", StringComparison.Ordinal)) == 2;
            },
            "the admin's change and the operator's two refusals are audited with the service");
    }

    [Fact]
    public async Task A_viewer_reads_the_names_of_environment_variables_but_never_their_values()
    {
        using var viewerHttp = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Viewer));
        using var operatorHttp = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Operator));
        var withSecret = new { name = "web", kind = ServiceKinds.Process, executable = "/opt/web/web", environment = new Dictionary<string, string> { ["DB_PASSWORD"] = "s3cret-value" } };
        using var stored = await PutAsync(new { services = new[] { withSecret } });

        var asViewer = await viewerHttp.GetStringAsync(Url(), TestContext.Current.CancellationToken);
        var asOperator = await operatorHttp.GetFromJsonAsync<DesiredConfiguration>(Url(), NodesApiClient.Json, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.DoesNotContain("s3cret-value", asViewer, StringComparison.Ordinal);
        var shown = JsonSerializer.Deserialize<DesiredConfiguration>(asViewer, NodesApiClient.Json)!;
        Assert.Equal(["DB_PASSWORD"], shown.Services[0].Environment.Keys);
        Assert.Equal("s3cret-value", asOperator!.Services[0].Environment["DB_PASSWORD"]);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    public async Task An_unknown_node_gets_a_404_problem(string id)
    {
        using var get = await _http.GetAsync(new Uri($"/api/v1/nodes/{id}/configuration", UriKind.Relative), TestContext.Current.CancellationToken);
        using var put = await _http.PutAsJsonAsync(new Uri($"/api/v1/nodes/{id}/configuration", UriKind.Relative), new { services = Array.Empty<object>() }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
    }

    [Fact]
    public async Task A_WinSW_definition_imported_goes_into_the_nodes_configuration_as_it_came_back()
    {
        using var imported = await _http.PostAsJsonAsync(
            new Uri("/api/v1/services/import/winsw", UriKind.Relative),
            new { xml = "<service><id>app</id><executable>%BASE%\\app.exe</executable><arguments>--port 80</arguments><depend>Eventlog</depend></service>", baseDirectory = @"C:\app" },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var body = await imported.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(
            ["Log mode append: the agent rotates the output by size instead (10 MB, 5 files).", "<depend> is not carried over: service dependencies: put dependent services in the order the agent starts them, or in one failover group."],
            body.GetProperty("notCarriedOver").EnumerateArray().Select(n => n.GetString()));

        using var stored = await PutJsonAsync($$"""{ "services": [ {{body.GetProperty("service").GetRawText()}} ] }""");

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        var service = Assert.Single((await stored.Content.ReadFromJsonAsync<DesiredConfiguration>(NodesApiClient.Json, TestContext.Current.CancellationToken))!.Services);
        Assert.Equal(("app", @"C:\app\app.exe"), (service.Name, service.Executable));
        Assert.Equal(["--port", "80"], service.Arguments);
    }

    [Fact]
    public async Task A_WinSW_definition_that_cannot_be_read_is_refused_with_the_reason()
    {
        using var response = await _http.PostAsJsonAsync(
            new Uri("/api/v1/services/import/winsw", UriKind.Relative), new { xml = "<service><id>app</id></service>" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no <executable>", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private Uri Url() => new($"/api/v1/nodes/{_agent.NodeId}/configuration", UriKind.Relative);

    private async Task<HttpResponseMessage> PutJsonAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _http.PutAsync(Url(), content, TestContext.Current.CancellationToken);
    }

    private Task<HttpResponseMessage> PutAsync(object body) => _http.PutAsJsonAsync(Url(), body, TestContext.Current.CancellationToken);

    private static object Web() => new
    {
        name = "web",
        kind = ServiceKinds.Process,
        executable = "/opt/web/web",
        arguments = new[] { "--port", "8080" },
        probes = new[] { new { kind = "http", url = "http://127.0.0.1:8080/health", interval = "00:00:00.500", timeout = "00:00:00.400" } },
    };
}
