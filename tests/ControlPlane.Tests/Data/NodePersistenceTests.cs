using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>
/// How node state reaches the database, run against every provider that can run here
/// (see the subclasses): registrations and liveness changes at once, last-seen times in batches,
/// and a restarted control plane that knows its nodes.
/// </summary>
public abstract class NodePersistenceTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async ValueTask InitializeAsync() => _database = await CreateDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_registration_and_each_liveness_change_are_stored_promptly()
    {
        await using var host = await ControlPlaneHost.StartAsync(_database);
        var agent = await Connect(host);
        await agent.RegisterAsync(agent.Registration(intervalMs: 200));

        await Eventually.HoldsAsync(async () => await host.StoredNodeAsync(agent.NodeId) is { Liveness: NodeLiveness.Alive }, "the node row exists");
        await agent.DisposeAsync();
        await Eventually.HoldsAsync(async () => await host.StoredNodeAsync(agent.NodeId) is { Liveness: NodeLiveness.Lost }, "the stored liveness is Lost");

        await using var db = await host.OpenDatabaseAsync();
        var changes = await db.NodeLivenessChanges.Where(c => c.NodeId == agent.NodeId).OrderBy(c => c.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([(NodeLiveness.Alive, NodeLiveness.Suspect), (NodeLiveness.Suspect, NodeLiveness.Lost)], changes.Select(c => (c.From, c.To)));
        Assert.All(changes, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
        var node = await host.StoredNodeAsync(agent.NodeId);
        Assert.Equal("test", node!.Labels["site"]);
        Assert.Equal(200, node.HeartbeatIntervalMs);
    }

    [Fact]
    public async Task Heartbeats_update_the_stored_last_seen_only_when_the_batch_is_written()
    {
        var hourly = new Dictionary<string, string?> { ["Database:LastSeenFlushInterval"] = "00:10:00" };
        await using var host = await ControlPlaneHost.StartAsync(_database, hourly);
        await using var agent = await Connect(host);
        await agent.RegisterAsync();
        await Eventually.HoldsAsync(async () => await host.StoredNodeAsync(agent.NodeId) is not null, "the node row exists");
        var registeredAt = (await host.StoredNodeAsync(agent.NodeId))!.LastSeenAt;

        for (var i = 0; i < 20; i++)
        {
            await agent.HeartbeatAsync();
        }

        var live = (await new NodesApiClient(host.CreateHttpClient()).FindAsync(agent.NodeId))!.LastSeenAt;
        Assert.True(live >= registeredAt);
        Assert.Equal(registeredAt, (await host.StoredNodeAsync(agent.NodeId))!.LastSeenAt);
    }

    [Fact]
    public async Task The_last_seen_batch_stores_the_latest_heartbeat_time()
    {
        await using var host = await ControlPlaneHost.StartAsync(_database);
        await using var agent = await Connect(host);
        await agent.RegisterAsync();
        await Eventually.HoldsAsync(async () => await host.StoredNodeAsync(agent.NodeId) is not null, "the node row exists");
        await Task.Delay(20, TestContext.Current.CancellationToken);
        await agent.HeartbeatAsync();
        var live = (await new NodesApiClient(host.CreateHttpClient()).FindAsync(agent.NodeId))!.LastSeenAt;

        await Eventually.HoldsAsync(
            async () => (await host.StoredNodeAsync(agent.NodeId))!.LastSeenAt.ToUnixTimeMilliseconds() == live.ToUnixTimeMilliseconds(),
            "the stored last-seen time equals the live one");
    }

    [Fact]
    public async Task A_restarted_control_plane_knows_its_nodes_and_waits_for_them_to_reconnect()
    {
        var nodeId = await RegisterWithAnEarlierControlPlaneAsync();

        // Long enough that a loaded machine still sees the node Suspect before it reconnects.
        var grace = new Dictionary<string, string?> { ["Liveness:StartupGrace"] = "00:00:20" };
        await using var second = await ControlPlaneHost.StartAsync(_database, grace);
        var api = new NodesApiClient(second.CreateHttpClient());

        var known = await api.FindAsync(nodeId);
        Assert.NotNull(known);
        Assert.Equal(NodeLiveness.Suspect, known.Liveness);
        Assert.False(known.Connected);
        await using var back = await Connect(second, nodeId);
        await back.RegisterAsync(back.Registration(intervalMs: 200));
        Assert.Equal(NodeLiveness.Alive, (await api.FindAsync(nodeId))!.Liveness);
    }

    [Fact]
    public async Task A_node_that_does_not_come_back_after_a_restart_is_Lost_after_the_grace()
    {
        var nodeId = await RegisterWithAnEarlierControlPlaneAsync();

        var shortGrace = new Dictionary<string, string?> { ["Liveness:StartupGrace"] = "00:00:01" };
        await using var second = await ControlPlaneHost.StartAsync(_database, shortGrace);

        await Eventually.HoldsAsync(async () => await second.StoredNodeAsync(nodeId) is { Liveness: NodeLiveness.Lost }, "the node is stored as Lost");
    }

    [Fact]
    public async Task A_node_in_maintenance_is_still_in_maintenance_after_a_restart()
    {
        Guid nodeId;
        await using (var first = await ControlPlaneHost.StartAsync(_database))
        {
            await using var agent = await Connect(first);
            await agent.RegisterAsync(agent.Registration(intervalMs: 200));
            nodeId = agent.NodeId;
            await Eventually.HoldsAsync(async () => await first.StoredNodeAsync(nodeId) is not null, "the node row exists");
            using var http = first.CreateHttpClient();
            using var entered = await http.PostAsJsonAsync(new Uri($"/api/v1/nodes/{nodeId}/maintenance", UriKind.Relative), new { reason = "patches" }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, entered.StatusCode);
        }

        await using var second = await ControlPlaneHost.StartAsync(_database);
        using var client = second.CreateHttpClient();
        var node = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{nodeId}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.True(node.GetProperty("inMaintenance").GetBoolean());
        Assert.Equal("patches", node.GetProperty("maintenance").GetProperty("reason").GetString());
    }

    /// <summary>Runs a control plane on the database just long enough for one node to register; returns its id.</summary>
    private async Task<Guid> RegisterWithAnEarlierControlPlaneAsync()
    {
        await using var first = await ControlPlaneHost.StartAsync(_database);
        await using var agent = await Connect(first);
        await agent.RegisterAsync(agent.Registration(intervalMs: 200));
        await Eventually.HoldsAsync(async () => await first.StoredNodeAsync(agent.NodeId) is not null, "the node row exists");
        return agent.NodeId;
    }

    protected static Task<TestAgentConnection> Connect(ControlPlaneHost host, Guid? nodeId = null) =>
        TestAgentConnection.ConnectAsync(host.Address, ControlPlaneHost.EnrollmentToken, nodeId);
}

public sealed class SqliteNodePersistenceTests : NodePersistenceTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

public sealed class PostgreSqlNodePersistenceTests(PostgresFixture postgres) : NodePersistenceTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => postgres.CreateTestDatabaseAsync(TestContext.Current.CancellationToken);
}
