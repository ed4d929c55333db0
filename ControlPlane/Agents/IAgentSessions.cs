using Vigil.Shared.Commands;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// What <see cref="AgentHub"/> hands each agent call to: <see cref="AgentSessions"/> on the deciding
/// instance, or a relay to it on an instance that stands by (<see cref="Cluster.RelayedAgentSessions"/>).
/// </summary>
public interface IAgentSessions
{
    Task<bool> ConnectedAsync(AgentCaller caller);

    Task<RegistrationAccepted> RegisterAsync(AgentCaller caller, AgentRegistration registration);

    /// <summary><paramref name="receivedAt"/> is a timestamp of <see cref="TimeProvider"/>.</summary>
    ValueTask<HeartbeatAck> HeartbeatAsync(AgentCaller caller, AgentHeartbeat heartbeat, long receivedAt);

    Task<EventsAck> ReportEventsAsync(AgentCaller caller, AgentEventBatch batch);

    Task<DesiredConfiguration> GetDesiredConfigurationAsync(AgentCaller caller);

    Task StoppingAsync(AgentCaller caller, AgentStoppingNotice? notice);

    Task CommandResultAsync(AgentCaller caller, CommandOutcome outcome);

    Task DisconnectedAsync(AgentCaller caller, string reason);
}
