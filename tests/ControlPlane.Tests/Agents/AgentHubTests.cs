using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>The agent hub, driven by real SignalR clients against the real host on a loopback port.</summary>
public sealed class AgentHubTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private NodesApiClient _api = null!;

    public async ValueTask InitializeAsync()
    {
        // A lease long enough for the 10 s heartbeat interval of the connection tests.
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?> { ["Failover:Lease"] = "00:00:20" });
        _api = new NodesApiClient(_host.CreateHttpClient());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Theory]
    [InlineData(HubWireProtocol.MessagePack)]
    [InlineData(HubWireProtocol.Json)]
    public async Task A_registered_agent_appears_in_the_api_with_its_heartbeat_metrics(HubWireProtocol protocol)
    {
        await using var agent = await Connect(protocol: protocol);

        var accepted = await agent.RegisterAsync();
        var ack = await agent.HeartbeatAsync(agent.NextHeartbeat(cpuPercent: 37.5));

        Assert.Equal(agent.NodeId, accepted.NodeId);
        Assert.Equal(1, ack.Sequence);
        var node = await _api.FindAsync(agent.NodeId);
        Assert.NotNull(node);
        Assert.Equal(agent.NodeName, node.Name);
        Assert.Equal(NodeLiveness.Alive, node.Liveness);
        Assert.True(node.Connected);
        Assert.Equal(37.5, node.Host!.CpuPercent);
        Assert.Equal("test", node.Labels["site"]);
    }

    [Theory]
    [InlineData(HubWireProtocol.MessagePack)]
    [InlineData(HubWireProtocol.Json)]
    public async Task Services_said_unchanged_stay_as_last_sent_and_a_new_registration_is_asked_for_its_list(HubWireProtocol protocol)
    {
        var service = new ServiceReport { Name = "web", Kind = "process", State = ServiceState.Running, Health = ServiceHealth.Healthy, Reason = "running", CpuPercent = 4 };
        await using var agent = await Connect(protocol: protocol);
        var accepted = await agent.RegisterAsync();
        await agent.HeartbeatAsync(agent.NextHeartbeat() with { Services = [service] });

        var unchanged = await agent.HeartbeatAsync(agent.NextHeartbeat(cpuPercent: 60) with { ServicesUnchanged = true });

        Assert.True(accepted.ServicesOnlyWhenChanged);
        Assert.False(unchanged.SendServices);
        var node = await _api.FindAsync(agent.NodeId);
        Assert.Equal(60, node!.Host!.CpuPercent);
        Assert.Equal([service], node.Services);

        await agent.RegisterAsync();
        var asked = await agent.HeartbeatAsync(agent.NextHeartbeat() with { ServicesUnchanged = true });

        Assert.True(asked.SendServices);
        Assert.Equal([service], (await _api.FindAsync(agent.NodeId))!.Services);
    }

    [Fact]
    public async Task A_connection_without_a_credential_is_refused_and_logged()
    {
        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => TestAgentConnection.ConnectAsync(_host.Address, token: null));

        Assert.Contains("401", refusal.Message, StringComparison.Ordinal);
        Assert.True(_host.Logs.Contains(LogLevel.Warning, "Agent connection from", "refused", "no agent credential presented"));
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_logged_without_the_token()
    {
        const string wrong = "not-the-enrollment-token-42";

        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => TestAgentConnection.ConnectAsync(_host.Address, wrong));

        Assert.Contains("401", refusal.Message, StringComparison.Ordinal);
        Assert.True(_host.Logs.Contains(LogLevel.Warning, "Enrolment of node", "refused", "wrong enrollment token"));
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains(wrong, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unsupported_protocol_version_is_refused_with_the_versions_the_server_speaks()
    {
        await using var agent = await Connect();

        var refusal = await Assert.ThrowsAsync<HubException>(() => agent.RegisterAsync(agent.Registration(protocolVersion: 99)));

        Assert.Contains("Protocol version 99 is not supported", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("speaks version(s) 2", refusal.Message, StringComparison.Ordinal);
        Assert.Null(await _api.FindAsync(agent.NodeId));
    }

    [Fact]
    public async Task Out_of_range_fields_are_refused_by_name_and_the_connection_stays_usable()
    {
        await using var agent = await Connect();
        var bad = agent.Registration() with { NodeName = "", HeartbeatIntervalMs = 5, ProcessorCount = 0 };

        var refusal = await Assert.ThrowsAsync<HubException>(() => agent.RegisterAsync(bad));

        Assert.Contains("nodeName", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("heartbeatIntervalMs", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("processorCount", refusal.Message, StringComparison.Ordinal);
        await agent.RegisterAsync();
        var badHeartbeat = agent.NextHeartbeat() with { Host = agent.NextHeartbeat().Host with { CpuPercent = 250 } };
        var heartbeatRefusal = await Assert.ThrowsAsync<HubException>(() => agent.HeartbeatAsync(badHeartbeat));
        Assert.Contains("host.cpuPercent", heartbeatRefusal.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await agent.HeartbeatAsync()).Sequence);
    }

    [Fact]
    public async Task A_heartbeat_interval_longer_than_half_the_lease_is_refused_with_the_setting_to_change()
    {
        await using var agent = await Connect();

        var refusal = await Assert.ThrowsAsync<HubException>(() => agent.RegisterAsync(agent.Registration(intervalMs: 10_001)));

        Assert.Contains("heartbeatIntervalMs 10001", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Agent:HeartbeatInterval to at most 00:00:10", refusal.Message, StringComparison.Ordinal);
        Assert.Null(await _api.FindAsync(agent.NodeId));
        await agent.RegisterAsync(agent.Registration(intervalMs: 10_000));
        Assert.NotNull(await _api.FindAsync(agent.NodeId));
    }

    [Fact]
    public async Task A_cloned_node_is_refused_while_the_original_is_connected_audited_once_and_given_no_lease()
    {
        var nodeId = Guid.NewGuid();
        await using var original = await Connect(nodeId);
        await using var clone = await Connect(nodeId);
        var originalInstance = Guid.NewGuid();
        var cloneInstance = Guid.NewGuid();
        await original.RegisterAsync(original.Registration() with { InstanceId = originalInstance });

        var refusal = await Assert.ThrowsAsync<HubException>(() => clone.RegisterAsync(clone.Registration() with { InstanceId = cloneInstance }));
        await Assert.ThrowsAsync<HubException>(() => clone.RegisterAsync(clone.Registration() with { InstanceId = cloneInstance }));

        Assert.Contains("Cloned node", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(nodeId.ToString(), refusal.Message, StringComparison.Ordinal);
        var noLease = await Assert.ThrowsAsync<HubException>(() => clone.HeartbeatAsync());
        Assert.Contains("Register before", noLease.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await original.HeartbeatAsync()).Sequence);
        await using (var db = await _host.OpenDatabaseAsync())
        {
            var audited = await db.AuditLog.AsNoTracking().Where(e => e.Action == "agent.cloned").ToListAsync(TestContext.Current.CancellationToken);
            var entry = Assert.Single(audited);
            Assert.Equal($"node/{nodeId}", entry.Target);
            Assert.Contains(cloneInstance.ToString(), entry.Detail, StringComparison.Ordinal);
        }

        // The same process reconnecting is admitted; so is the copy once the original has gone.
        await using var reconnected = await Connect(nodeId);
        await reconnected.RegisterAsync(reconnected.Registration() with { InstanceId = originalInstance });
        await original.DisposeAsync();
        await reconnected.DisposeAsync();
        await Eventually.HoldsAsync(async () => await _api.FindAsync(nodeId) is { Connected: false }, "the original's connections are closed");
        await clone.RegisterAsync(clone.Registration() with { InstanceId = cloneInstance });
        var ack = await clone.HeartbeatAsync();
        Assert.True(ack.Sequence > 0);
    }

    [Fact]
    public async Task A_heartbeat_before_registration_is_refused()
    {
        await using var agent = await Connect();

        var refusal = await Assert.ThrowsAsync<HubException>(() => agent.HeartbeatAsync());

        Assert.Contains("Register before sending heartbeats", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_message_closes_only_that_connection()
    {
        await using var bystander = await Connect();
        await bystander.RegisterAsync();
        await using var offender = await Connect();
        var closed = new TaskCompletionSource<Exception?>();
        offender.Connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        var huge = offender.Registration() with
        {
            Labels = new Dictionary<string, string> { ["blob"] = new string('x', 2_000_000) },
        };

        await Assert.ThrowsAnyAsync<Exception>(() => offender.RegisterAsync(huge));

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(HubConnectionState.Disconnected, offender.Connection.State);
        Assert.Equal(1, (await bystander.HeartbeatAsync()).Sequence);
        Assert.Null(await _api.FindAsync(offender.NodeId));
    }

    [Fact]
    public async Task A_label_set_beyond_the_protocol_limits_is_refused()
    {
        await using var agent = await Connect();
        var labels = Enumerable.Range(0, MessageLimits.LabelCountMax + 1).ToDictionary(i => $"k{i}", i => "v");

        var refusal = await Assert.ThrowsAsync<HubException>(() => agent.RegisterAsync(agent.Registration() with { Labels = labels }));

        Assert.Contains("labels: must have at most 32 entries", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_agent_turns_Suspect_then_Lost_and_comes_back_Alive()
    {
        var nodeId = Guid.NewGuid();
        await using (var agent = await Connect(nodeId))
        {
            await agent.RegisterAsync(agent.Registration(intervalMs: 200));
            await agent.HeartbeatAsync();
            await Eventually.HoldsAsync(() => _api.HasLivenessAsync(nodeId, NodeLiveness.Lost), "the silent node is Lost");
        }

        // Suspect lasts one interval only: check that it was passed through in the recorded history.
        await Eventually.HoldsAsync(async () => await _host.StoredLivenessHistoryAsync(nodeId) is [NodeLiveness.Suspect, NodeLiveness.Lost], "Suspect then Lost is recorded");

        await using var back = await Connect(nodeId);
        await back.RegisterAsync(back.Registration(intervalMs: 200));

        Assert.Equal(NodeLiveness.Alive, (await _api.FindAsync(nodeId))!.Liveness);
    }

    [Fact]
    public async Task A_dropped_connection_makes_the_node_Suspect_at_once()
    {
        var agent = await Connect();
        await agent.RegisterAsync(agent.Registration(intervalMs: 10_000));

        await agent.DisposeAsync();

        await Eventually.HoldsAsync(async () => await _api.FindAsync(agent.NodeId) is { Liveness: NodeLiveness.Suspect, Connected: false }, "the node is Suspect and disconnected");
    }

    private Task<TestAgentConnection> Connect(Guid? nodeId = null, HubWireProtocol protocol = HubWireProtocol.MessagePack) =>
        TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeId, protocol: protocol);
}
