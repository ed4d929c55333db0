using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// The standing-by side of the relay: publishes agent calls on the deciding instance's channel and
/// waits for their answers on its own. A call that nobody receives (no instance decides now) or that
/// is not answered within <see cref="RedisOptions.CallTimeout"/> fails, and the caller ends the
/// agent's connection so that the agent goes to another address.
/// </summary>
public sealed partial class DeciderRelay(IConnectionMultiplexer redis, RedisOptions options, TimeProvider time, ILogger<DeciderRelay> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<RelayedReply>> _waiting = new();
    private readonly ConcurrentDictionary<string, Action> _aborts = new();
    private readonly string _replyTo = RelayChannels.ReplyTo(options.ChannelPrefix, Guid.NewGuid());

    public async Task StartAsync() =>
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_replyTo), (_, message) => Receive(message));

    /// <summary>Ends <paramref name="connectionId"/> when the deciding instance says so (its credential was revoked).</summary>
    public void OnAbort(string connectionId, Action abort) => _aborts[connectionId] = abort;

    public void Forget(string connectionId) => _aborts.TryRemove(connectionId, out _);

    /// <summary>Relays one call and returns its answer; a refusal is thrown as the <see cref="HubException"/> the agent is told.</summary>
    public async Task<RelayedReply> CallAsync(string kind, RelayedConnection? connection, object? payload, CancellationToken cancellationToken)
    {
        var call = new RelayedCall(
            Guid.NewGuid(), _replyTo, kind, connection, payload is null ? null : JsonSerializer.SerializeToElement(payload, payload.GetType(), RelayChannels.Json));
        var answer = new TaskCompletionSource<RelayedReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[call.CallId] = answer;
        try
        {
            var receivers = await redis.GetSubscriber().PublishAsync(
                RelayChannels.Decider(options.ChannelPrefix), JsonSerializer.Serialize(call, RelayChannels.Json));
            if (receivers == 0)
            {
                throw new RelayUnavailableException("No control plane decides now: nobody receives relayed calls.");
            }

            var reply = await answer.Task.WaitAsync(TimeoutOf(kind), time, cancellationToken);
            return reply switch
            {
                { Unavailable: true } => throw new RelayUnavailableException(reply.Refusal ?? "The deciding control plane cannot answer now."),
                { Refusal: { } refusal } => throw new HubException(refusal),
                _ => reply,
            };
        }
        catch (TimeoutException)
        {
            throw new RelayUnavailableException($"The deciding control plane did not answer a relayed {kind} within {TimeoutOf(kind)}.");
        }
        catch (RedisException exception)
        {
            throw new RelayUnavailableException($"Redis cannot carry a relayed {kind} now: {exception.Message}");
        }
        finally
        {
            _waiting.TryRemove(call.CallId, out _);
        }
    }

    /// <summary>Calls answered from memory there wait less than those that may wait on its database.</summary>
    private TimeSpan TimeoutOf(string kind) =>
        kind is RelayedCallKind.ReportEvents or RelayedCallKind.GetDesiredConfiguration or RelayedCallKind.CommandResult or RelayedCallKind.Authenticate
            ? options.CallTimeout
            : TimeSpan.FromTicks(Math.Min(options.CallTimeout.Ticks, RedisOptions.HeartbeatTimeout.Ticks));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(_replyTo));
        }
        catch (RedisException exception)
        {
            LogNotUnsubscribed(exception.Message);
        }
    }

    private void Receive(RedisValue message)
    {
        RelayedReply? reply;
        try
        {
            reply = JsonSerializer.Deserialize<RelayedReply>(message.ToString(), RelayChannels.Json);
        }
        catch (JsonException exception)
        {
            LogUnreadable(exception.Message);
            return;
        }

        if (reply?.Abort is { } connectionId)
        {
            if (_aborts.TryRemove(connectionId, out var abort))
            {
                abort();
            }
        }
        else if (reply is not null && _waiting.TryRemove(reply.CallId, out var waiting))
        {
            waiting.TrySetResult(reply);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An unreadable answer of the deciding control plane was dropped: {Reason}")]
    private partial void LogUnreadable(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay's answers channel could not be left: {Reason}")]
    private partial void LogNotUnsubscribed(string reason);
}

/// <summary>No deciding instance received or answered a relayed call in time.</summary>
public sealed class RelayUnavailableException(string message) : Exception(message);
