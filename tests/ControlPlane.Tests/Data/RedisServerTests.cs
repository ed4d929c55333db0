using System.Net;
using System.Net.Sockets;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>
/// The throwaway Redis server that tests of state shared between control planes rely on: it answers,
/// goes away and comes back on the same port, hangs and goes on, and cleans up. Each test has its own
/// server, since stopping or pausing a shared one would break the tests running beside it.
/// </summary>
public sealed class RedisServerTests
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HungFor = TimeSpan.FromMilliseconds(500);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_started_server_answers_ping_on_loopback_at_the_address_of_its_configuration()
    {
        await using var server = await RedisServer.StartAsync(Cancellation);

        Assert.True(server.IsRunning);
        Assert.Equal($"127.0.0.1:{server.Port}", server.Configuration);
        Assert.Equal(RedisPingOutcome.Pong, await server.PingAsync(Answer, Cancellation));
    }

    [Fact]
    public async Task A_stopped_server_refuses_connections_keeps_nothing_and_after_starting_again_answers_on_the_same_port()
    {
        await using var server = await RedisServer.StartAsync(Cancellation);
        var port = server.Port;

        await server.StopAsync(Cancellation);

        Assert.False(server.IsRunning);
        var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(RedisPingOutcome.Refused, await server.PingAsync(Answer, Cancellation));
        Assert.Empty(Directory.EnumerateFiles(server.ServerDirectory));

        await server.StartAgainAsync(Cancellation);

        Assert.True(server.IsRunning);
        Assert.Equal(port, server.Port);
        Assert.Equal(RedisPingOutcome.Pong, await server.PingAsync(Answer, Cancellation));
    }

    [Fact]
    public async Task Starting_again_fails_saying_so_when_another_process_took_the_port_meanwhile()
    {
        await using var server = await RedisServer.StartAsync(Cancellation);
        await server.StopAsync(Cancellation);
        var other = new TcpListener(IPAddress.Loopback, server.Port);
        other.Start();
        try
        {
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAgainAsync(Cancellation));

            Assert.Contains($"Port {server.Port} was taken while the server was stopped.", failure.Message, StringComparison.Ordinal);
            Assert.False(server.IsRunning);
        }
        finally
        {
            other.Stop();
        }
    }

    [Fact]
    public async Task A_paused_server_accepts_connections_but_answers_nothing_until_resumed_then_answers_what_it_was_sent()
    {
        await using var server = await RedisServer.StartAsync(Cancellation);

        server.Pause();
        var sentWhilePaused = server.PingAsync(Eventually.DefaultTimeout, Cancellation);

        Assert.Equal(RedisPingOutcome.NoAnswer, await server.PingAsync(HungFor, Cancellation));
        Assert.False(sentWhilePaused.IsCompleted, "A paused server answered.");

        server.Resume();

        Assert.Equal(RedisPingOutcome.Pong, await sentWhilePaused);
        Assert.Equal(RedisPingOutcome.Pong, await server.PingAsync(Answer, Cancellation));
    }

    [Fact]
    public async Task Disposing_a_server_kills_it_even_paused_and_deletes_its_folder()
    {
        var server = await RedisServer.StartAsync(Cancellation);
        server.Pause();

        await server.DisposeAsync();

        Assert.False(server.IsRunning);
        Assert.False(Directory.Exists(server.ServerDirectory), $"{server.ServerDirectory} is left behind.");
        Assert.Equal(RedisPingOutcome.Refused, await server.PingAsync(Answer, Cancellation));
    }

    private static async Task ConnectAsync(int port)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port, Cancellation);
    }
}
