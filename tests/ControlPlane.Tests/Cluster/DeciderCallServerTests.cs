using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Vigil.ControlPlane.Cluster;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Cluster;

/// <summary>
/// A deciding control plane on a real PostgreSQL and a real Redis, called the way a standing-by
/// instance relays its agents (the real <see cref="DeciderRelay"/>): a relayed agent authenticates,
/// connects, registers and heartbeats as if it were connected here; unreadable calls, calls that
/// want their answer on a channel that is not a relay's, and calls for a connection it does not
/// know are refused without harm.
/// </summary>
public sealed class DeciderCallServerTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(10);
    private RedisServer _redis = null!;
    private TestDatabase _database = null!;
    private ControlPlaneHost _host = null!;
    private ConnectionMultiplexer _connection = null!;
    private DeciderRelay _relay = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(Cancellation);
        _database = await postgres.CreateTestDatabaseAsync(Cancellation);
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Decider:Standby"] = "true",
            ["Redis:Configuration"] = _redis.Configuration,
        });
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        _relay = new DeciderRelay(_connection, new RedisOptions { Configuration = _redis.Configuration }, TimeProvider.System, NullLogger<DeciderRelay>.Instance);
        await _relay.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _connection.DisposeAsync();
        await _host.DisposeAsync();
        _database.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_relayed_agent_authenticates_connects_registers_and_heartbeats_as_if_connected_here()
    {
        var nodeId = Guid.NewGuid();
        var enrolment = await TestAgentConnection.EnrollAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeId, "relayed");

        var authenticated = await _relay.CallAsync(RelayedCallKind.Authenticate, null, new RelayedCredential(enrolment.Credential!, "192.0.2.7", "/hubs/agent"), Cancellation);
        var credential = authenticated.Result!.Value.Deserialize<Vigil.ControlPlane.Agents.AgentCredential>(RelayChannels.Json)!;
        Assert.Equal(nodeId, credential.NodeId);
        Assert.Equal(EnrolledAgentState.Approved, credential.State);
        Assert.True(authenticated.DeciderToken > 0);

        var connection = new RelayedConnection("relayed-connection-1", credential.AgentId, credential.NodeId, credential.State, "192.0.2.7", null);
        var connected = await _relay.CallAsync(RelayedCallKind.Connected, connection, null, Cancellation);
        Assert.True(connected.Result!.Value.GetBoolean());

        var accepted = (await _relay.CallAsync(RelayedCallKind.Register, connection, Registration(nodeId, Guid.NewGuid()), Cancellation)).Result!.Value.Deserialize<RegistrationAccepted>(RelayChannels.Json)!;
        Assert.Equal(nodeId, accepted.NodeId);

        var registered = connection with { NodeId = nodeId };
        var ack = (await _relay.CallAsync(RelayedCallKind.Heartbeat, registered, Heartbeat(7), Cancellation)).Result!.Value.Deserialize<HeartbeatAck>(RelayChannels.Json)!;
        Assert.Equal(7, ack.Sequence);
        using var http = _host.CreateHttpClient();
        var node = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{nodeId}", UriKind.Relative), Cancellation);
        Assert.True(node.GetProperty("connected").GetBoolean(), node.ToString());

        await _relay.CallAsync(RelayedCallKind.Disconnected, registered, "connection closed", Cancellation);
        var refused = await Assert.ThrowsAsync<HubException>(() => _relay.CallAsync(RelayedCallKind.Heartbeat, registered, Heartbeat(8), Cancellation));
        Assert.Contains("does not know the connection", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connections_of_a_relay_that_is_gone_are_ended_so_its_agent_restarted_elsewhere_is_no_clone_of_itself()
    {
        var nodeId = Guid.NewGuid();
        var enrolment = await TestAgentConnection.EnrollAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeId, "re-homed");
        var credential = (await _relay.CallAsync(RelayedCallKind.Authenticate, null, new RelayedCredential(enrolment.Credential!, "192.0.2.7", "/hubs/agent"), Cancellation))
            .Result!.Value.Deserialize<Vigil.ControlPlane.Agents.AgentCredential>(RelayChannels.Json)!;
        var server = _host.Get<DeciderCallServer>();

        // A second relay holds the agent's connection, then dies: its Redis connection closes, and it says nothing more.
        var dyingConnection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var dying = new DeciderRelay(dyingConnection, new RedisOptions { Configuration = _redis.Configuration }, TimeProvider.System, NullLogger<DeciderRelay>.Instance);
        await dying.StartAsync();
        var first = new RelayedConnection("on-the-dying-relay", credential.AgentId, credential.NodeId, credential.State, "192.0.2.7", null);
        await dying.CallAsync(RelayedCallKind.Connected, first, null, Cancellation);
        await dying.CallAsync(RelayedCallKind.Register, first, Registration(nodeId, Guid.NewGuid()), Cancellation);
        Assert.Equal(0, await server.EndConnectionsOfGoneRelaysAsync());
        dyingConnection.Dispose();

        // The agent's process restarted (a new instance) and connects through the relay still alive.
        var second = new RelayedConnection("on-the-live-relay", credential.AgentId, credential.NodeId, credential.State, "192.0.2.7", null);
        await _relay.CallAsync(RelayedCallKind.Connected, second, null, Cancellation);
        var restarted = Registration(nodeId, Guid.NewGuid());
        var clone = await Assert.ThrowsAsync<HubException>(() => _relay.CallAsync(RelayedCallKind.Register, second, restarted, Cancellation));
        Assert.Contains("Cloned node", clone.Message, StringComparison.Ordinal);

        Assert.Equal(1, await server.EndConnectionsOfGoneRelaysAsync());
        var accepted = (await _relay.CallAsync(RelayedCallKind.Register, second, restarted, Cancellation)).Result!.Value.Deserialize<RegistrationAccepted>(RelayChannels.Json)!;
        Assert.Equal(nodeId, accepted.NodeId);
        Assert.Equal(0, await server.EndConnectionsOfGoneRelaysAsync());
        Assert.True(_host.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "is gone: its 1 agent connections are ended"));
    }

    private static AgentRegistration Registration(Guid nodeId, Guid instanceId) => new()
    {
        ProtocolVersion = ProtocolVersions.Current,
        NodeId = nodeId,
        InstanceId = instanceId,
        NodeName = "relayed",
        AgentVersion = "0.1.0-test",
        OperatingSystem = "Test OS 1.0",
        ProcessorCount = 2,
        HeartbeatIntervalMs = 1000,
    };

    private static AgentHeartbeat Heartbeat(long sequence) => new()
    {
        Sequence = sequence,
        Host = new HostMetrics { CpuPercent = 1, MemoryTotalBytes = 8L << 30, MemoryAvailableBytes = 6L << 30, UptimeSeconds = 60 },
    };

    [Fact]
    public async Task A_wrong_credential_is_refused_with_the_message_an_agent_connected_here_gets()
    {
        var refused = await Assert.ThrowsAsync<HubException>(
            () => _relay.CallAsync(RelayedCallKind.Authenticate, null, new RelayedCredential("not-a-credential", "192.0.2.8", "/hubs/agent"), Cancellation));

        Assert.Equal("The agent credential is not known.", refused.Message);
    }

    [Fact]
    public async Task Unreadable_calls_and_calls_that_want_their_answer_elsewhere_are_dropped_and_the_next_call_is_answered()
    {
        var elsewhere = RedisChannel.Literal("vigil:signalr:somewhere");
        var published = new List<string>();
        await _connection.GetSubscriber().SubscribeAsync(elsewhere, (_, message) => published.Add(message.ToString()));
        var decider = RelayChannels.Decider("vigil");

        await _connection.GetSubscriber().PublishAsync(decider, "{ not json");
        await _connection.GetSubscriber().PublishAsync(decider, "null");
        await _connection.GetSubscriber().PublishAsync(
            decider,
            JsonSerializer.Serialize(new RelayedCall(Guid.NewGuid(), elsewhere.ToString(), RelayedCallKind.Authenticate, null, null), RelayChannels.Json));
        var unknownKind = await Assert.ThrowsAsync<HubException>(
            () => _relay.CallAsync("format-disk", new RelayedConnection("c", Guid.NewGuid(), Guid.NewGuid(), EnrolledAgentState.Approved, "x", null), null, Cancellation));
        Assert.Contains("does not know the connection", unknownKind.Message, StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<HubException>(
            () => _relay.CallAsync(RelayedCallKind.Authenticate, null, new RelayedCredential("", "192.0.2.9", "/hubs/agent"), Cancellation));
        Assert.Equal("No agent credential was presented.", refused.Message);
        await Eventually.HoldsAsync(
            () => _host.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "unreadable relayed agent call"), "the unreadable calls are logged", Answer);
        Assert.Empty(published);
    }
}
