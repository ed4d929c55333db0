namespace Vigil.Shared.Messages;

/// <summary>Reply to a successful registration.</summary>
public sealed record RegistrationAccepted
{
    public required Guid NodeId { get; init; }

    /// <summary>The protocol version both sides will use on this connection.</summary>
    public required int ProtocolVersion { get; init; }

    /// <summary>Version of the node's desired configuration on the control plane (0: none).</summary>
    public long ConfigVersion { get; init; }

    /// <summary>The highest event sequence stored for this node, so an agent whose outbox was lost continues above it.</summary>
    public long LastEventSequence { get; init; }

    /// <summary>
    /// Every failover group this node is a member of, and with which managed service. An agent that
    /// lost its role file holds these services until the group gives them a role again.
    /// </summary>
    public IReadOnlyList<GroupMembership> Memberships { get; init; } = [];

    /// <summary>
    /// The control plane keeps a node's services between heartbeats: the agent may send its service list
    /// only when it changed (<see cref="AgentHeartbeat.ServicesUnchanged"/>). False from control planes
    /// that predate it, which get the list in every heartbeat.
    /// </summary>
    public bool ServicesOnlyWhenChanged { get; init; }
}

/// <summary>A managed service of the node is a member of a failover group.</summary>
public sealed record GroupMembership
{
    public required Guid GroupId { get; init; }

    public required string GroupName { get; init; }

    public required string Service { get; init; }
}
