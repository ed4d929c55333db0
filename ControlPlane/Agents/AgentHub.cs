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
internal sealed class AgentHub(IAgentSessions sessions, TimeProvider time, VigilMetrics? metrics = null) : Hub<IAgentClient>, IAgentHub
{
    private static readonly object CallerKey = new();

    public Task<RegistrationAccepted> Register(AgentRegistration registration) => sessions.RegisterAsync(Caller, registration);

    public async Task<HeartbeatAck> Heartbeat(AgentHeartbeat heartbeat)
    {
        var receivedAt = time.GetTimestamp();
        try
        {
            return await sessions.HeartbeatAsync(Caller, heartbeat, receivedAt);
        }
        finally
        {
            metrics?.HeartbeatHandled(time.GetElapsedTime(receivedAt));
        }
    }

    public Task<EventsAck> ReportEvents(AgentEventBatch batch) => sessions.ReportEventsAsync(Caller, batch);

    public Task<DesiredConfiguration> GetDesiredConfiguration() => sessions.GetDesiredConfigurationAsync(Caller);

    public Task Stopping(AgentStoppingNotice notice) => sessions.StoppingAsync(Caller, notice);

    public Task CommandResult(CommandOutcome outcome) => sessions.CommandResultAsync(Caller, outcome);

    public override async Task OnConnectedAsync()
    {
        var credential = AgentCredentialHandler.CredentialOf(Context.User) ?? throw new HubException("This connection has no agent credential.");
        var remoteAddress = Context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var caller = new AgentCaller(Context.ConnectionId, credential, remoteAddress, Context.Abort, Context.ConnectionAborted);
        Context.Items[CallerKey] = caller;
        await sessions.ConnectedAsync(caller);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items[CallerKey] is AgentCaller caller)
        {
            await sessions.DisconnectedAsync(caller, exception?.Message ?? "connection closed");
        }
    }

    private AgentCaller Caller => (AgentCaller)Context.Items[CallerKey]!;
}
