using Vigil.Shared.Roles;

namespace Vigil.Shared.Commands;

/// <summary>
/// A command the control plane delivers at least once; the agent carries it out at most once per
/// <see cref="Id"/> and answers with a <see cref="CommandOutcome"/>.
/// </summary>
public sealed record AgentCommand
{
    public required Guid Id { get; init; }

    public required CommandKind Kind { get; init; }

    /// <summary>The managed service, by its name on the node.</summary>
    public required string Service { get; init; }

    /// <summary>For Activate, Deactivate and Release: the group and the epoch the command carries.</summary>
    public RoleGrant? Role { get; init; }

    /// <summary>How long the agent may take before the control plane stops waiting.</summary>
    public int TimeoutMs { get; init; } = 60_000;
}

/// <summary>The agent's answer to a command.</summary>
public sealed record CommandOutcome
{
    public required Guid CommandId { get; init; }

    public required bool Succeeded { get; init; }

    /// <summary>What happened, in an operator's words.</summary>
    public required string Message { get; init; }
}
