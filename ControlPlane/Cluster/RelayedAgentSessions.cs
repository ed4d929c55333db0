using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Vigil.ControlPlane.Agents;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// The agent calls of a standing-by instance: each one relayed to the deciding instance, which runs
/// it as if the agent were connected there (<see cref="DeciderCallServer"/>). Leases come only from
/// the deciding instance, so relaying adds no rule of its own. When the deciding instance cannot be
/// reached, or another one has taken over since the connection opened, the connection is ended: the
/// agent connects again, at once, to this or its next address and registers with whoever decides then.
/// </summary>
public sealed partial class RelayedAgentSessions(DeciderRelay relay, ILogger<RelayedAgentSessions> logger) : IAgentSessions
{
    private readonly ConcurrentDictionary<string, long> _deciderOf = new();

    public async Task<bool> ConnectedAsync(AgentCaller caller)
    {
        relay.OnAbort(caller.ConnectionId, caller.Abort);
        var accepted = await CallAsync<bool>(caller, RelayedCallKind.Connected, null);
        if (!accepted)
        {
            caller.Abort();
        }

        return accepted;
    }

    public async Task<RegistrationAccepted> RegisterAsync(AgentCaller caller, AgentRegistration registration)
    {
        var accepted = await CallAsync<RegistrationAccepted>(caller, RelayedCallKind.Register, registration);
        caller.NodeId = accepted.NodeId;
        return accepted;
    }

    public async ValueTask<HeartbeatAck> HeartbeatAsync(AgentCaller caller, AgentHeartbeat heartbeat, long receivedAt) =>
        await CallAsync<HeartbeatAck>(caller, RelayedCallKind.Heartbeat, heartbeat);

    public Task<EventsAck> ReportEventsAsync(AgentCaller caller, AgentEventBatch batch) =>
        CallAsync<EventsAck>(caller, RelayedCallKind.ReportEvents, batch);

    public Task<DesiredConfiguration> GetDesiredConfigurationAsync(AgentCaller caller) =>
        CallAsync<DesiredConfiguration>(caller, RelayedCallKind.GetDesiredConfiguration, null);

    public Task StoppingAsync(AgentCaller caller, AgentStoppingNotice? notice) =>
        CallAsync<bool>(caller, RelayedCallKind.Stopping, notice);

    public Task CommandResultAsync(AgentCaller caller, CommandOutcome outcome) =>
        CallAsync<bool>(caller, RelayedCallKind.CommandResult, outcome);

    public async Task DisconnectedAsync(AgentCaller caller, string reason)
    {
        relay.Forget(caller.ConnectionId);
        _deciderOf.TryRemove(caller.ConnectionId, out _);
        try
        {
            await relay.CallAsync(RelayedCallKind.Disconnected, Describe(caller), reason, CancellationToken.None);
        }
        catch (Exception exception) when (exception is RelayUnavailableException or HubException)
        {
            // The deciding instance learns it from the node's silence instead.
            LogDisconnectNotRelayed(caller.ConnectionId, exception.Message);
        }
    }

    private async Task<T> CallAsync<T>(AgentCaller caller, string kind, object? payload)
    {
        RelayedReply reply;
        try
        {
            reply = await relay.CallAsync(kind, Describe(caller), payload, caller.Aborted);
        }
        catch (RelayUnavailableException exception)
        {
            LogUnavailable(caller.ConnectionId, exception.Message);
            caller.Abort();
            throw new HubException($"{exception.Message} Connect to another control-plane address.");
        }
        catch (OperationCanceledException) when (caller.Aborted.IsCancellationRequested)
        {
            // Ended meanwhile (this relay stops, or the deciding instance ended it): nobody waits for the answer.
            throw new HubException("The connection ended.");
        }

        if (_deciderOf.GetOrAdd(caller.ConnectionId, reply.DeciderToken) != reply.DeciderToken)
        {
            // Registered with an instance that decides no more: the one deciding now does not know this connection.
            const string reason = "Another control plane decides now; connect again to register with it.";
            LogUnavailable(caller.ConnectionId, reason);
            caller.Abort();
            throw new HubException(reason);
        }

        return reply.Result is { } element ? element.Deserialize<T>(RelayChannels.Json)! : default!;
    }

    private static RelayedConnection Describe(AgentCaller caller) =>
        new(caller.ConnectionId, caller.Credential.AgentId, caller.Credential.NodeId, caller.Credential.State, caller.RemoteAddress, caller.NodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent connection {ConnectionId} ended: {Reason}")]
    private partial void LogUnavailable(string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The end of agent connection {ConnectionId} was not relayed: {Reason}")]
    private partial void LogDisconnectNotRelayed(string connectionId, string reason);
}
