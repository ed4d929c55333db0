using Vigil.Shared.Commands;
using Vigil.Shared.Messages;

namespace Vigil.Shared.Hubs;

/// <summary>Calls an agent makes on the control plane's agent hub.</summary>
public interface IAgentHub
{
    /// <summary>
    /// Introduces the agent on a new connection. Must be the first call; the control plane refuses
    /// an unsupported protocol version with a message that lists the versions it speaks.
    /// </summary>
    Task<RegistrationAccepted> Register(AgentRegistration registration);

    /// <summary>Reports the node's current state; sent every heartbeat interval, never queued.</summary>
    Task<HeartbeatAck> Heartbeat(AgentHeartbeat heartbeat);

    /// <summary>Delivers events in sequence order; the answer confirms which are stored.</summary>
    Task<EventsAck> ReportEvents(AgentEventBatch batch);

    /// <summary>The managed services the control plane wants on this node.</summary>
    Task<DesiredConfiguration> GetDesiredConfiguration();

    /// <summary>The agent is stopping on purpose; the node is not to be taken for crashed.</summary>
    Task Stopping(AgentStoppingNotice notice);

    /// <summary>The outcome of a command; sent again for a command delivered again.</summary>
    Task CommandResult(CommandOutcome outcome);
}
