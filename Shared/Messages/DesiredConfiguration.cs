using Vigil.Shared.Services;

namespace Vigil.Shared.Messages;

/// <summary>The managed services the control plane wants on a node, merged by the agent with its own file.</summary>
public sealed record DesiredConfiguration
{
    /// <summary>Grows with every change; 0 means the control plane has none for this node.</summary>
    public required long Version { get; init; }

    public required IReadOnlyList<ManagedServiceDefinition> Services { get; init; }
}

/// <summary>The agent is stopping on purpose: not a crash.</summary>
public sealed record AgentStoppingNotice
{
    public required string Reason { get; init; }
}
