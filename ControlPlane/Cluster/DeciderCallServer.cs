using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Decider;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// The deciding side of the relay: runs the agent calls that standing-by instances relay through
/// Redis with the same <see cref="AgentSessions"/> as calls of its own connections, and answers each
/// on the relay's channel. A relayed connection is known here from its <c>connected</c> call to its
/// <c>disconnected</c> one; ending it (a revoked credential) is a message to the relay that holds it.
/// Runs only on the instance that holds the decider lease: it starts after the lease is taken.
/// A relay that dies (a crash, its host lost) says nothing about its connections, so every
/// <see cref="RelayProbeInterval"/> each relay that holds some is probed (a message on its channel
/// that Redis delivers to nobody once the relay's own Redis connection has closed), and the
/// connections of a gone relay are ended here: otherwise its nodes would stay connected, and an
/// agent restarted since would be refused as a clone of itself.
/// </summary>
internal sealed partial class DeciderCallServer(
    RedisConnection redisConnection,
    IOptions<RedisOptions> options,
    AgentSessions sessions,
    AgentCredentialCheck credentials,
    DeciderLeaseHolder decider,
    TimeProvider time,
    ILogger<DeciderCallServer> logger) : IHostedService, IDisposable
{
    /// <summary>How often relays holding connections are probed; their agents have long re-homed by then.</summary>
    public static readonly TimeSpan RelayProbeInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, RelayedCaller> _callers = new();
    private readonly CancellationTokenSource _stopping = new();

    private IConnectionMultiplexer? _redis;
    private Task _probing = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _redis = await redisConnection.ConnectAsync(cancellationToken);
        await _redis.GetSubscriber().SubscribeAsync(RelayChannels.Decider(options.Value.ChannelPrefix), (_, message) => AnswerInBackground(message));
        _probing = ProbeRelaysAsync(_stopping.Token);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task ProbeRelaysAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(RelayProbeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await EndConnectionsOfGoneRelaysAsync();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Ends the connections of every relay that nobody listens for any more; returns how many. A relay
    /// that cannot be probed (Redis away) is left alone: its connections end when Redis is back.
    /// </summary>
    internal async Task<int> EndConnectionsOfGoneRelaysAsync()
    {
        var ended = 0;
        foreach (var relay in _callers.Values.Select(caller => caller.Relay).Distinct(StringComparer.Ordinal).ToList())
        {
            long listeners;
            try
            {
                listeners = await _redis!.GetSubscriber().PublishAsync(RedisChannel.Literal(relay), JsonSerializer.Serialize(new RelayedReply(Guid.Empty, Token, null, null), RelayChannels.Json));
            }
            catch (RedisException)
            {
                continue;
            }

            if (listeners > 0)
            {
                continue;
            }

            var gone = _callers.Where(entry => entry.Value.Relay == relay).ToList();
            LogRelayGone(relay, gone.Count);
            foreach (var (connectionId, caller) in gone)
            {
                if (_callers.TryRemove(KeyValuePair.Create(connectionId, caller)))
                {
                    caller.End();
                    await sessions.DisconnectedAsync(caller.Caller, "its relaying control plane is gone");
                    ended++;
                }
            }
        }

        return ended;
    }

    private long Token => decider.Token ?? 0;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_redis is not { } redis)
        {
            return;
        }

        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(RelayChannels.Decider(options.Value.ChannelPrefix));
        }
        catch (RedisException exception)
        {
            LogNotUnsubscribed(exception.Message);
        }

        foreach (var connectionId in _callers.Keys)
        {
            if (_callers.TryRemove(connectionId, out var caller))
            {
                caller.End();
            }
        }

        await _probing;
    }

    private void AnswerInBackground(RedisValue message) => _ = AnswerAsync(message);

    private async Task AnswerAsync(RedisValue message)
    {
        RelayedCall? call;
        try
        {
            call = JsonSerializer.Deserialize<RelayedCall>(message.ToString(), RelayChannels.Json);
        }
        catch (JsonException exception)
        {
            LogUnreadable(exception.Message);
            return;
        }

        if (call is null || !RelayChannels.IsReplyChannel(options.Value.ChannelPrefix, call.ReplyTo))
        {
            LogUnreadable("no call, or an answer channel that is not a relay's");
            return;
        }

        RelayedReply reply;
        try
        {
            var result = await RunAsync(call);
            reply = new RelayedReply(call.CallId, Token, result is null ? null : JsonSerializer.SerializeToElement(result, result.GetType(), RelayChannels.Json), null);
        }
        catch (HubException refusal)
        {
            reply = new RelayedReply(call.CallId, Token, null, refusal.Message);
        }
        catch (TimeoutException busy)
        {
            // The database is busy or away: the relay answers as if this instance could not be reached.
            reply = new RelayedReply(call.CallId, Token, null, busy.Message, Unavailable: true);
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException)
        {
            LogUnreadable(exception.Message);
            reply = new RelayedReply(call.CallId, Token, null, "The control plane could not read this call.");
        }

        await SendAsync(call.ReplyTo, reply);
    }

    private async Task<object?> RunAsync(RelayedCall call)
    {
        if (call.Kind == RelayedCallKind.Authenticate)
        {
            var presented = Payload<RelayedCredential>(call);
            var check = await credentials.CheckAsync(presented.Presented, presented.RemoteAddress, presented.Path, _stopping.Token);
            return check.Credential ?? throw (check.Unavailable ? new TimeoutException(check.Failure) : new HubException(check.Failure));
        }

        var connection = call.Connection ?? throw new HubException("A relayed call names no connection.");
        if (call.Kind == RelayedCallKind.Connected)
        {
            var caller = new RelayedCaller(connection, call.ReplyTo, this);
            _callers[connection.ConnectionId] = caller;
            return await sessions.ConnectedAsync(caller.Caller);
        }

        if (!_callers.TryGetValue(connection.ConnectionId, out var known))
        {
            throw new HubException("This control plane does not know the connection: connect again.");
        }

        var agent = known.Caller;
        switch (call.Kind)
        {
            case RelayedCallKind.Register:
                return await sessions.RegisterAsync(agent, Payload<AgentRegistration>(call));
            case RelayedCallKind.Heartbeat:
                return sessions.Heartbeat(agent, Payload<AgentHeartbeat>(call), time.GetTimestamp());
            case RelayedCallKind.ReportEvents:
                return await sessions.ReportEventsAsync(agent, Payload<AgentEventBatch>(call));
            case RelayedCallKind.GetDesiredConfiguration:
                return await sessions.GetDesiredConfigurationAsync(agent);
            case RelayedCallKind.Stopping:
                await sessions.StoppingAsync(agent, call.Payload is null ? null : Payload<AgentStoppingNotice>(call));
                return true;
            case RelayedCallKind.CommandResult:
                await sessions.CommandResultAsync(agent, Payload<CommandOutcome>(call));
                return true;
            case RelayedCallKind.Disconnected:
                _callers.TryRemove(connection.ConnectionId, out _);
                known.End();
                await sessions.DisconnectedAsync(agent, call.Payload?.GetString() ?? "connection closed");
                return true;
            default:
                throw new HubException($"Unknown relayed call '{call.Kind}'.");
        }
    }

    private static T Payload<T>(RelayedCall call) =>
        call.Payload is { } payload
            ? payload.Deserialize<T>(RelayChannels.Json) ?? throw new HubException($"A relayed {call.Kind} carries no message.")
            : throw new HubException($"A relayed {call.Kind} carries no message.");

    private async Task SendAsync(string replyTo, RelayedReply reply)
    {
        try
        {
            await _redis!.GetSubscriber().PublishAsync(RedisChannel.Literal(replyTo), JsonSerializer.Serialize(reply, RelayChannels.Json));
        }
        catch (RedisException exception)
        {
            // The relay's call then times out, and it ends the agent's connection.
            LogNotAnswered(exception.Message);
        }
    }

    /// <summary>A connection a relay holds: ended here by a message to that relay.</summary>
    private sealed class RelayedCaller : IDisposable
    {
        private readonly CancellationTokenSource _ended = new();
        private int _disposed;

        public RelayedCaller(RelayedConnection connection, string relay, DeciderCallServer server)
        {
            Relay = relay;
            Caller = new AgentCaller(
                connection.ConnectionId,
                connection.Credential,
                connection.RemoteAddress,
                () => _ = server.SendAsync(relay, new RelayedReply(Guid.Empty, server.Token, null, null, Abort: connection.ConnectionId)),
                _ended.Token)
            {
                NodeId = connection.NodeId,
            };
        }

        public AgentCaller Caller { get; }

        /// <summary>The answers channel of the relay that holds the connection.</summary>
        public string Relay { get; }

        public void End() => Dispose();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _ended.Cancel();
                _ended.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An unreadable relayed agent call was refused: {Reason}")]
    private partial void LogUnreadable(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A relayed agent call could not be answered: {Reason}")]
    private partial void LogNotAnswered(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relaying control plane on {Relay} is gone: its {Count} agent connections are ended")]
    private partial void LogRelayGone(string relay, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relayed calls' channel could not be left: {Reason}")]
    private partial void LogNotUnsubscribed(string reason);
}
