using System.Net.WebSockets;
using System.Text;
using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>A bare WebSocket to the agent hub that speaks the SignalR JSON framing by hand, so tests
/// can send what no well-behaved client would.</summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    public const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();

    public WebSocketState State => _socket.State;

    /// <summary>Enrols a new node with <paramref name="token"/> and connects with its credential.</summary>
    public static async Task<RawHubSocket> ConnectAsync(Uri controlPlane, string token, CancellationToken cancellationToken)
    {
        var enrolment = await Vigil.TestSupport.TestAgentConnection.EnrollAsync(controlPlane, token, Guid.NewGuid(), "raw-socket");
        var raw = new RawHubSocket();
        raw._socket.Options.SetRequestHeader("Authorization", $"Bearer {enrolment.Credential ?? token}");
        var hub = new UriBuilder(AgentHubEndpoint.For(controlPlane)) { Scheme = "ws" }.Uri;
        await raw._socket.ConnectAsync(hub, cancellationToken);
        return raw;
    }

    public Task SendAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Sends the JSON protocol handshake and returns the server's reply.</summary>
    public async Task<string> HandshakeAsync(CancellationToken cancellationToken)
    {
        await SendAsync($"{{\"protocol\":\"json\",\"version\":1}}{RecordSeparator}", cancellationToken);
        return await ReceiveAsync(cancellationToken) ?? "";
    }

    /// <summary>The next text message, or null when the server closed the socket.</summary>
    public async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    /// <summary>Reads messages until one contains <paramref name="fragment"/> (skipping pings), or the socket closes.</summary>
    public async Task<string?> ReceiveContainingAsync(string fragment, CancellationToken cancellationToken)
    {
        while (await ReceiveAsync(cancellationToken) is { } message)
        {
            if (message.Contains(fragment, StringComparison.Ordinal))
            {
                return message;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
