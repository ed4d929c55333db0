using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.TestSupport;

/// <summary>
/// A PING to a Redis server on loopback, spoken in RESP over a plain TCP connection: enough to know
/// whether a test server answers, without a Redis client library.
/// </summary>
public static class RedisPing
{
    /// <summary>
    /// Sends PING to 127.0.0.1:<paramref name="port"/> on a new connection and tells what came back
    /// within <paramref name="timeout"/> (connecting included): <see cref="RedisPingOutcome.Pong"/>, a
    /// refused connection, no answer (a hung server's connections are still accepted by the kernel),
    /// or another reply.
    /// </summary>
    public static async Task<RedisPingOutcome> SendAsync(int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), deadline.Token);
            var reply = await ReadLineAsync(stream, deadline.Token);
            return reply switch
            {
                "+PONG" => RedisPingOutcome.Pong,
                null => RedisPingOutcome.NoAnswer,
                _ => RedisPingOutcome.OtherReply,
            };
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return RedisPingOutcome.Refused;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RedisPingOutcome.NoAnswer;
        }
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            // Reset or closed while the server stops.
            return RedisPingOutcome.NoAnswer;
        }
    }

    /// <summary>Reads one RESP line (up to CRLF); null when the connection closes first.</summary>
    private static async Task<string?> ReadLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var buffer = new byte[1];
        while (await stream.ReadAsync(buffer, cancellationToken) == 1)
        {
            var character = (char)buffer[0];
            if (character == '\n' && line.Length > 0 && line[^1] == '\r')
            {
                return line.ToString(0, line.Length - 1);
            }

            line.Append(character);
        }

        return null;
    }
}

/// <summary>What came back from a PING sent to a Redis server.</summary>
public enum RedisPingOutcome
{
    /// <summary><c>+PONG</c>: the server answers.</summary>
    Pong,

    /// <summary>Nothing listens on the port.</summary>
    Refused,

    /// <summary>No reply before the timeout, or the connection closed: a hung or stopping server.</summary>
    NoAnswer,

    /// <summary>A reply other than <c>+PONG</c>, such as an error.</summary>
    OtherReply,
}
