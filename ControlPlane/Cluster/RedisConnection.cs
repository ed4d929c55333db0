using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// The one connection to Redis of this process, shared by the relay and the SignalR backplane.
/// The first connection must succeed within <see cref="RedisOptions.ConnectTimeout"/> or the start
/// fails with a message naming the address; later outages are ridden through by the client, which
/// reconnects by itself.
/// </summary>
public sealed partial class RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _connection;

    /// <summary>Whether the shared connection is up now; null before it was first made.</summary>
    public bool? IsConnected => _connection?.IsConnected;

    public async Task<IConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } connected)
        {
            return connected;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            return _connection ??= await ConnectNewAsync(cancellationToken);
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>A connection of its own, which the caller disposes (the standby's agent relay, whose backplane disposes it when the relay stops).</summary>
    public async Task<ConnectionMultiplexer> ConnectNewAsync(CancellationToken cancellationToken)
    {
        var settings = ConfigurationOptions.Parse(options.Value.Configuration);
        settings.AbortOnConnectFail = true;

        // While Redis is away a call fails at once instead of waiting in a queue: a relayed heartbeat
        // that waits is worth nothing, and the agent is better told to go to another address.
        settings.BacklogPolicy = BacklogPolicy.FailFast;
        settings.ConnectTimeout = (int)options.Value.ConnectTimeout.TotalMilliseconds;
        settings.ClientName ??= "vigil-controlplane";
        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(settings).WaitAsync(cancellationToken);
        }
        catch (RedisConnectionException exception)
        {
            throw new InvalidOperationException(
                $"Could not reach Redis at {options.Value.Configuration} within {options.Value.ConnectTimeout}: {exception.Message} " +
                "Check Redis:Configuration and that redis-server runs.",
                exception);
        }

        connection.ConnectionFailed += (_, failure) => LogLost(failure.EndPoint?.ToString() ?? "?", failure.FailureType.ToString());
        connection.ConnectionRestored += (_, restored) => LogRestored(restored.EndPoint?.ToString() ?? "?");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _connecting.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis at {EndPoint} is unreachable ({Failure}): agents connected to standing-by control planes cannot be relayed until it is back")]
    private partial void LogLost(string endPoint, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis at {EndPoint} answers again")]
    private partial void LogRestored(string endPoint);
}
