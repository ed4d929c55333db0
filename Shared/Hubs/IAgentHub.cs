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
}
