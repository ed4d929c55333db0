using Microsoft.AspNetCore.SignalR.Client;
using Vigil.Shared.Commands;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Connection;

/// <summary>The agent hub's calls, typed, over one SignalR connection.</summary>
internal sealed class AgentHubClient(HubConnection connection) : IAgentHub
{
    public Task<RegistrationAccepted> Register(AgentRegistration registration) =>
        connection.InvokeAsync<RegistrationAccepted>(nameof(IAgentHub.Register), registration);

    public Task<HeartbeatAck> Heartbeat(AgentHeartbeat heartbeat) =>
        connection.InvokeAsync<HeartbeatAck>(nameof(IAgentHub.Heartbeat), heartbeat);

    public Task<EventsAck> ReportEvents(AgentEventBatch batch) =>
        connection.InvokeAsync<EventsAck>(nameof(IAgentHub.ReportEvents), batch);

    public Task<DesiredConfiguration> GetDesiredConfiguration() =>
        connection.InvokeAsync<DesiredConfiguration>(nameof(IAgentHub.GetDesiredConfiguration));

    public Task Stopping(AgentStoppingNotice notice) =>
        connection.InvokeAsync(nameof(IAgentHub.Stopping), notice);

    public Task CommandResult(CommandOutcome outcome) =>
        connection.InvokeAsync(nameof(IAgentHub.CommandResult), outcome);
}
