using Vigil.Shared.Commands;
using Vigil.Shared.Messages;

namespace Vigil.Shared.Hubs;

/// <summary>Calls the control plane makes on a connected agent.</summary>
public interface IAgentClient
{
    /// <summary>The desired configuration for this node changed; the agent fetches and applies it.</summary>
    Task ConfigChanged(ConfigChangedNotice notice);

    /// <summary>Carry out a command; the answer comes back through <see cref="IAgentHub.CommandResult"/>.</summary>
    Task ExecuteCommand(AgentCommand command);
}
