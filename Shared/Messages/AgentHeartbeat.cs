using Vigil.Shared.Roles;

namespace Vigil.Shared.Messages;

/// <summary>Periodic report of a node's state. Only the latest matters, so heartbeats are never queued.</summary>
public sealed record AgentHeartbeat
{
    /// <summary>Increases by one with every heartbeat the agent process sends; starts at 1.</summary>
    public required long Sequence { get; init; }

    public required HostMetrics Host { get; init; }

    /// <summary>Every managed service of the node; empty when <see cref="ServicesUnchanged"/>.</summary>
    public IReadOnlyList<ServiceReport> Services { get; init; } = [];

    /// <summary>
    /// The services are as in the last heartbeat that carried them on this connection (their process
    /// figures may have moved): the control plane keeps what it has. Sent only to a control plane whose
    /// <see cref="RegistrationAccepted.ServicesOnlyWhenChanged"/> is true; see <see cref="Protocol.ServiceListSending"/>.
    /// </summary>
    public bool ServicesUnchanged { get; init; }

    /// <summary>The node's roles in failover groups.</summary>
    public IReadOnlyList<RoleReport> Roles { get; init; } = [];
}
