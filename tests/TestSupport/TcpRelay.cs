using System.Net;
using System.Net.Sockets;

namespace Vigil.TestSupport;

/// <summary>
/// A loopback TCP relay in front of a server, which a test can cut silently (bytes are no longer
/// passed on, new connections hang, nothing is closed: a network partition as a peer sees it) and
/// heal (connections are closed, so clients reconnect through it).
/// </summary>
public sealed class TcpRelay : INetworkLink
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _cut;
    private volatile bool _down;

    public TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    public bool IsCut => _cut;

    public void Cut() => _cut = true;

    /// <summary>Closes every connection, and each new one at once: the server behind it was killed, as a client sees it.</summary>
    public void Down()
    {
        _down = true;
        CloseAll();
    }

    public void Heal()
    {
        _cut = false;
        CloseAll();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CloseAll();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (_down)
            {
                client.Dispose();
                continue;
            }

            Track(client);
            if (_cut)
            {
                continue;
            }

            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            Track(server);
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            while (true)
            {
                var read = await input.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                if (!_cut)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidOperationException)
        {
        }

        if (!_cut)
        {
            from.Dispose();
            to.Dispose();
        }
    }

    private void Track(TcpClient client)
    {
        lock (_open)
        {
            _open.Add(client);
        }
    }

    private void CloseAll()
    {
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }

            _open.Clear();
        }
    }
}
