using System.Net.WebSockets;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>Traffic no well-behaved agent sends: the offending connection is closed or answered with
/// an error, and every other agent keeps being served.</summary>
public sealed class MalformedTrafficTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private TestAgentConnection _bystander = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _bystander = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
        await _bystander.RegisterAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _bystander.DisposeAsync();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_frame_that_is_not_json_closes_that_connection()
    {
        using var timeout = Timeout();
        await using var socket = await RawHubSocket.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, timeout.Token);
        Assert.Equal($"{{}}{RawHubSocket.RecordSeparator}", await socket.HandshakeAsync(timeout.Token));

        await socket.SendAsync($"{{this is not json{RawHubSocket.RecordSeparator}", timeout.Token);

        Assert.Null(await socket.ReceiveContainingAsync("\"type\":1", timeout.Token));
        await AssertBystanderServedAsync();
    }

    [Fact]
    public async Task A_handshake_for_an_unknown_protocol_is_refused()
    {
        using var timeout = Timeout();
        await using var socket = await RawHubSocket.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, timeout.Token);

        await socket.SendAsync($"{{\"protocol\":\"xml\",\"version\":1}}{RawHubSocket.RecordSeparator}", timeout.Token);

        var reply = await socket.ReceiveAsync(timeout.Token);
        Assert.Contains("not supported", reply, StringComparison.OrdinalIgnoreCase);
        await AssertBystanderServedAsync();
    }

    [Fact]
    public async Task Arguments_of_the_wrong_type_get_an_error_reply_and_the_connection_stays_open()
    {
        using var timeout = Timeout();
        await using var socket = await RawHubSocket.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, timeout.Token);
        await socket.HandshakeAsync(timeout.Token);

        await socket.SendAsync(
            $"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"Register\",\"arguments\":[{{\"protocolVersion\":\"one\"}}]}}{RawHubSocket.RecordSeparator}",
            timeout.Token);

        var reply = await socket.ReceiveContainingAsync("\"invocationId\":\"1\"", timeout.Token);
        Assert.NotNull(reply);
        Assert.Contains("\"error\"", reply, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, socket.State);
        await AssertBystanderServedAsync();
    }

    [Fact]
    public async Task A_registration_with_missing_fields_is_refused_by_name()
    {
        using var timeout = Timeout();
        await using var socket = await RawHubSocket.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, timeout.Token);
        await socket.HandshakeAsync(timeout.Token);

        await socket.SendAsync(
            $"{{\"type\":1,\"invocationId\":\"7\",\"target\":\"Register\",\"arguments\":[{{\"protocolVersion\":2,\"nodeId\":\"00000000-0000-0000-0000-000000000000\",\"nodeName\":null,\"agentVersion\":\"1\",\"operatingSystem\":\"x\",\"processorCount\":1,\"heartbeatIntervalMs\":1000}}]}}{RawHubSocket.RecordSeparator}",
            timeout.Token);

        var reply = await socket.ReceiveContainingAsync("\"invocationId\":\"7\"", timeout.Token);
        Assert.NotNull(reply);
        Assert.Contains("nodeId", reply, StringComparison.Ordinal);
        Assert.Contains("nodeName", reply, StringComparison.Ordinal);
        await AssertBystanderServedAsync();
    }

    [Fact]
    public async Task A_flood_of_invalid_heartbeats_does_not_disturb_other_agents()
    {
        await using var noisy = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
        await noisy.RegisterAsync();
        var invalid = noisy.NextHeartbeat() with { Sequence = -1 };

        var refusals = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            try
            {
                await noisy.HeartbeatAsync(invalid);
                return false;
            }
            catch (Microsoft.AspNetCore.SignalR.HubException)
            {
                return true;
            }
        }));

        Assert.All(refusals, Assert.True);
        await AssertBystanderServedAsync();
    }

    private async Task AssertBystanderServedAsync()
    {
        var ack = await _bystander.HeartbeatAsync();
        Assert.True(ack.Sequence > 0);
    }

    private static CancellationTokenSource Timeout()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(Patience);
        return source;
    }
}
