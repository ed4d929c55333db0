using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Hubs;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>The hub admits agents by their own credential: real SignalR clients against the real host.</summary>
public sealed class EnrollmentHubTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private EnrollmentAdmin _admin = null!;
    private NodesApiClient _nodes = null!;

    public async ValueTask InitializeAsync()
    {
        (_host, _admin) = await EnrollmentAdmin.StartAsync(_database);
        _nodes = new NodesApiClient(_host.CreateHttpClient());
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_pending_agent_cannot_register_until_approved_then_registers()
    {
        var nodeId = Guid.NewGuid();
        var (_, token) = await _admin.CreateTokenAsync(requiresApproval: true);
        var enrolled = await TestAgentConnection.EnrollAsync(_host.Address, token, nodeId, "db-01");
        Assert.Equal("Pending", enrolled.State);

        await using (var waiting = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, enrolled.Credential, nodeId))
        {
            var refusal = await Assert.ThrowsAsync<HubException>(() => waiting.RegisterAsync());
            Assert.Contains("waiting for approval", refusal.Message, StringComparison.Ordinal);
            Assert.Null(await _nodes.FindAsync(nodeId));
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, await _admin.ApproveAsync(enrolled.AgentId!.Value));

        await using var approved = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, enrolled.Credential, nodeId);
        Assert.Equal(nodeId, (await approved.RegisterAsync()).NodeId);
        var listed = await _admin.AgentOfNodeAsync(nodeId);
        Assert.Equal("Approved", listed!.Value.GetProperty("state").GetString());
        Assert.StartsWith(EnrollmentAdmin.Name, listed.Value.GetProperty("approvedBy").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_for_one_node_cannot_register_as_another()
    {
        var nodeA = Guid.NewGuid();
        var nodeB = Guid.NewGuid();
        var enrolled = await TestAgentConnection.EnrollAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeA, "app-a");

        await using var impostor = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, enrolled.Credential, nodeB);
        var refusal = await Assert.ThrowsAsync<HubException>(() => impostor.RegisterAsync());

        Assert.Contains($"enrolled for node {nodeA}; it cannot register as node {nodeB}", refusal.Message, StringComparison.Ordinal);
        Assert.Null(await _nodes.FindAsync(nodeB));
    }

    [Fact]
    public async Task A_revoked_agent_is_disconnected_at_once_and_cannot_reconnect()
    {
        var nodeId = Guid.NewGuid();
        var enrolled = await TestAgentConnection.EnrollAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeId, "app-r");
        await using var agent = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, enrolled.Credential, nodeId);
        await agent.RegisterAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        Assert.Equal(System.Net.HttpStatusCode.OK, await _admin.RevokeAsync(enrolled.AgentId!.Value));

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(HubConnectionState.Disconnected, agent.Connection.State);
        await Eventually.HoldsAsync(async () => await _nodes.FindAsync(nodeId) is { Connected: false }, "the node shows disconnected");
        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => TestAgentConnection.ConnectWithCredentialAsync(_host.Address, enrolled.Credential, nodeId));
        Assert.Contains("401", refusal.Message, StringComparison.Ordinal);
        Assert.True(_host.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "refused", $"agent {enrolled.AgentId} of node {nodeId} is revoked"));
        var listed = await _admin.AgentOfNodeAsync(nodeId);
        Assert.Equal("Revoked", listed!.Value.GetProperty("state").GetString());
        Assert.False(listed.Value.GetProperty("connected").GetBoolean());
    }

    [Fact]
    public async Task The_time_an_agent_last_connected_is_recorded()
    {
        var nodeId = Guid.NewGuid();

        await using var agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, nodeId);
        await agent.RegisterAsync();

        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await _host.OpenDatabaseAsync();
                return await db.Agents.AnyAsync(a => a.NodeId == nodeId && a.LastConnectedAt != null);
            },
            "the connection time is stored");
    }

    [Fact]
    public async Task Tokens_and_credentials_never_appear_in_the_logs()
    {
        var nodeId = Guid.NewGuid();
        var (_, token) = await _admin.CreateTokenAsync(maxUses: 2, requiresApproval: true);
        var enrolled = await TestAgentConnection.EnrollAsync(_host.Address, token, nodeId, "secret-host");
        const string wrongCredential = "vac_00000000000000000000000000000000_wrong-credential-text";

        // Refused: pending, by header; then a wrong credential and the real one in the query string.
        await using (var pending = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, enrolled.Credential, nodeId))
        {
            await Assert.ThrowsAsync<HubException>(() => pending.RegisterAsync());
        }

        await Assert.ThrowsAnyAsync<Exception>(() => ConnectByQueryAsync(wrongCredential));
        await _admin.ApproveAsync(enrolled.AgentId!.Value);
        using (var socket = await ConnectByQueryAsync(enrolled.Credential!))
        {
            Assert.Equal(WebSocketState.Open, socket.State);
        }

        await using (var agent = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, enrolled.Credential, nodeId))
        {
            await agent.RegisterAsync();
        }

        await _admin.RevokeAsync(enrolled.AgentId!.Value);
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectByQueryAsync(enrolled.Credential!));

        Assert.True(_host.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Information, "enrolled as agent", enrolled.AgentId.ToString()!));
        Assert.True(_host.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "unknown agent credential"));
        foreach (var secret in new[] { token, enrolled.Credential!, wrongCredential })
        {
            Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal)
                || (e.Exception?.ToString().Contains(secret, StringComparison.Ordinal) ?? false));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(_database.DataDirectory, "logs")))
            {
                using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                Assert.DoesNotContain(secret, await reader.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }
        }
    }

    private async Task<ClientWebSocket> ConnectByQueryAsync(string credential)
    {
        var socket = new ClientWebSocket();
        var hub = new UriBuilder(AgentHubEndpoint.For(_host.Address)) { Scheme = "ws", Query = $"access_token={Uri.EscapeDataString(credential)}" }.Uri;
        try
        {
            await socket.ConnectAsync(hub, TestContext.Current.CancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
