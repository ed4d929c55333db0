namespace Vigil.Shared.Messages;

/// <summary>First message on every connection: who the agent is and how often it will report.</summary>
public sealed record AgentRegistration
{
    /// <summary>Protocol version the agent speaks (see <see cref="Protocol.ProtocolVersions"/>).</summary>
    public required int ProtocolVersion { get; init; }

    /// <summary>Stable identity of the node, generated once by the agent and kept in its data folder.</summary>
    public required Guid NodeId { get; init; }

    /// <summary>Name shown to operators, usually the host name.</summary>
    public required string NodeName { get; init; }

    public required string AgentVersion { get; init; }

    /// <summary>Operating system description, e.g. "Microsoft Windows 10.0.20348".</summary>
    public required string OperatingSystem { get; init; }

    public required int ProcessorCount { get; init; }

    /// <summary>Interval between heartbeats, in milliseconds; liveness is judged against it.</summary>
    public required int HeartbeatIntervalMs { get; init; }

    /// <summary>
    /// Random for every run of the agent process. Two processes registering as one node at once (a
    /// cloned machine with the same node id and credential) tell themselves apart by it.
    /// </summary>
    public Guid InstanceId { get; init; }

    /// <summary>Free-form labels set by the operator in the agent's configuration (site, role, ...).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Which programs the agent runs when the control plane defines them; null from agents that predate the setting.</summary>
    public Vigil.Shared.Services.RemoteExecutionPolicy? RemoteExecution { get; init; }

    /// <summary>
    /// The Windows services installed on the node when the agent registered, offered when a
    /// <c>windows</c> service is defined from the dashboard; null on other systems, or when the
    /// service control manager could not be asked.
    /// </summary>
    public IReadOnlyList<InstalledService>? InstalledServices { get; init; }
}
