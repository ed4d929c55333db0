using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Vigil.ControlPlane.Events;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Messages;
using Vigil.TestSupport;
using static Vigil.TestSupport.TestAgentConnection;

namespace Vigil.ControlPlane.Tests.Events;

/// <summary>Events through the real hub into the real database, and back out of the REST API.</summary>
public abstract class AgentEventsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async ValueTask InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        _host = await ControlPlaneHost.StartAsync(_database);
        _http = _host.CreateHttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_batch_sent_again_is_stored_once()
    {
        await using var agent = await Registered();
        var batch = new[] { Event(1), Event(2, AgentEventKind.ServiceExited, message: "exited with code 1"), Event(3) };

        var first = await agent.ReportEventsAsync(batch);
        var again = await agent.ReportEventsAsync(batch);
        var overlapping = await agent.ReportEventsAsync(Event(3), Event(4));

        Assert.Equal([3L, 3L, 4L], new[] { first.UpTo, again.UpTo, overlapping.UpTo });
        var stored = await ListAsync($"?node={agent.NodeId}");
        Assert.Equal(4, stored.GetProperty("totalCount").GetInt32());
        Assert.Equal([4L, 3L, 2L, 1L], stored.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task Events_sent_the_moment_a_new_node_registers_are_stored()
    {
        for (var i = 0; i < 5; i++)
        {
            await using var agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
            await agent.RegisterAsync();

            var ack = await agent.ReportEventsAsync(Event(1), Event(2));

            Assert.Equal(2, ack.UpTo);
        }
    }

    [Fact]
    public async Task A_reconnecting_agent_learns_the_last_stored_sequence()
    {
        var nodeId = Guid.NewGuid();
        await using (var agent = await Registered(nodeId))
        {
            await agent.ReportEventsAsync(Event(7), Event(8));
        }

        await using var again = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeId);
        var accepted = await again.RegisterAsync();

        Assert.Equal(8, accepted.LastEventSequence);
    }

    [Fact]
    public async Task Two_connections_of_one_node_racing_store_each_event_once()
    {
        var nodeId = Guid.NewGuid();
        await using var one = await Registered(nodeId);
        await using var two = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeId);
        await two.RegisterAsync();
        var events = Enumerable.Range(1, 50).Select(i => Event(i)).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? one : two).ReportEventsAsync(events)));

        Assert.Equal(50, (await ListAsync($"?node={nodeId}&pageSize=500")).GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Events_out_of_order_or_beyond_limits_are_refused_by_name()
    {
        await using var agent = await Registered();

        var refusal = await Assert.ThrowsAsync<HubException>(() => agent.ReportEventsAsync(Event(5), Event(4)));

        Assert.Contains("events[1].sequence", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await ListAsync($"?node={agent.NodeId}")).GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Events_before_registration_are_refused()
    {
        await using var agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);

        await Assert.ThrowsAsync<HubException>(() => agent.ReportEventsAsync(Event(1)));
    }

    [Fact]
    public async Task The_events_api_filters_by_node_service_kind_and_time()
    {
        await using var a = await Registered();
        await using var b = await Registered();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await a.ReportEventsAsync(Event(1, service: "web"), Event(2, AgentEventKind.ServiceExited, service: "web"), Event(3, service: "db"));
        await b.ReportEventsAsync(Event(1, service: "web"));

        Assert.Equal(4, Count(await ListAsync($"?from={Uri.EscapeDataString(before.ToString("O"))}")));
        Assert.Equal(3, Count(await ListAsync($"?node={a.NodeId}")));
        Assert.Equal(2, Count(await ListAsync($"?node={a.NodeId}&service=web")));
        Assert.Equal(1, Count(await ListAsync($"?node={a.NodeId}&kind=ServiceExited")));
        Assert.Equal(0, Count(await ListAsync($"?node={a.NodeId}&to={Uri.EscapeDataString(before.ToString("O"))}")));
        var page = await ListAsync($"?node={a.NodeId}&pageSize=2&page=2");
        Assert.Equal([1L], page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(a.NodeName, page.GetProperty("items")[0].GetProperty("nodeName").GetString());
    }

    [Theory]
    [InlineData("?node=abc", "node")]
    [InlineData("?kind=Explosion", "kind")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?pageSize=0", "pageSize")]
    public Task A_bad_events_query_gets_a_problem_naming_the_parameter(string query, string field) =>
        Problems.AssertNamesFieldAsync(_http, $"/api/v1/events{query}", field);

    [Fact]
    public async Task An_agent_that_says_it_is_stopping_leaves_its_node_Stopped_not_Lost()
    {
        var agent = await Registered(intervalMs: 200);
        await agent.StoppingAsync();
        await agent.DisposeAsync();

        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var node = await new NodesApiClient(_http).FindAsync(agent.NodeId);
        Assert.Equal(Vigil.ControlPlane.Data.Nodes.NodeLiveness.Stopped, node!.Liveness);
        Assert.Equal("the agent stopped on purpose", node.LivenessReason);
    }

    private async Task<TestAgentConnection> Registered(Guid? nodeId = null, int intervalMs = 1000)
    {
        var agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeId);
        await agent.RegisterAsync(agent.Registration(intervalMs));
        await Eventually.HoldsAsync(async () => await _host.StoredNodeAsync(agent.NodeId) is not null, "the node row exists");
        return agent;
    }

    private async Task<JsonElement> ListAsync(string query) =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/events{query}", UriKind.Relative), TestContext.Current.CancellationToken);

    private static int Count(JsonElement page) => page.GetProperty("totalCount").GetInt32();
}

public sealed class SqliteAgentEventsTests : AgentEventsTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlAgentEventsTests(PostgresFixture postgres) : AgentEventsTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => postgres.CreateTestDatabaseAsync(TestContext.Current.CancellationToken);
}
