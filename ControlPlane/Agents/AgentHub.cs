using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Vigil.ControlPlane.Monitoring;
using Vigil.ControlPlane.Security;
using Vigil.Shared.Commands;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// Where agents connect. A thin shell over <see cref="AgentSessions"/>: it knows the connection
/// (<see cref="AgentCaller"/>, made when it opens) and hands each call over with it.
/// </summary>
[Authorize(Policy = VigilPolicies.Agent)]
internal sealed class AgentHub(AgentSessions sessions, VigilMetrics metrics, TimeProvider time) : Hub<IAgentClient>, IAgentHub
{
    private static readonly object CallerKey = new();

    public Task<RegistrationAccepted> Register(AgentRegistration registration) => sessions.RegisterAsync(Caller, registration);

    public Task<HeartbeatAck> Heartbeat(AgentHeartbeat heartbeat)
    {
        var receivedAt = time.GetTimestamp();
        try
        {
            return Task.FromResult(sessions.Heartbeat(Caller, heartbeat, receivedAt));
        }
        finally
        {
            metrics.HeartbeatHandled(time.GetElapsedTime(receivedAt));
        }
    }

    public Task<EventsAck> ReportEvents(AgentEventBatch batch) => sessions.ReportEventsAsync(Caller, batch);

    public Task<DesiredConfiguration> GetDesiredConfiguration() => sessions.GetDesiredConfigurationAsync(Caller);

    public Task Stopping(AgentStoppingNotice notice)
    {
        sessions.Stopping(Caller, notice);
        return Task.CompletedTask;
    }

    public Task CommandResult(CommandOutcome outcome) => sessions.CommandResultAsync(Caller, outcome);

    public override Task OnConnectedAsync()
    {
        var credential = AgentCredentialHandler.CredentialOf(Context.User) ?? throw new HubException("This connection has no agent credential.");
        var remoteAddress = Context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var caller = new AgentCaller(Context.ConnectionId, credential, remoteAddress, Context.Abort, Context.ConnectionAborted);
        Context.Items[CallerKey] = caller;
        sessions.Connected(caller);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items[CallerKey] is AgentCaller caller)
        {
            sessions.Disconnected(caller, exception?.Message ?? "connection closed");
        }

        return Task.CompletedTask;
    }

    private AgentCaller Caller => (AgentCaller)Context.Items[CallerKey]!;
}
