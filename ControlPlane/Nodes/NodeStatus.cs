using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Nodes;

/// <summary>An immutable snapshot of one node as the control plane sees it now.</summary>
public sealed record NodeStatus
{
    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required string AgentVersion { get; init; }

    public required string OperatingSystem { get; init; }

    public required int ProcessorCount { get; init; }

    public required TimeSpan HeartbeatInterval { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Which programs the node's agent runs for the control plane, as it said when it registered; null when not known.</summary>
    public RemoteExecutionPolicy? RemoteExecution { get; init; }

    /// <summary>The Windows services installed on the node, as its agent listed them when it registered; null when not known (another system, or not registered since the control plane started).</summary>
    public IReadOnlyList<InstalledService>? InstalledServices { get; init; }

    public required NodeLiveness Liveness { get; init; }

    public required string LivenessReason { get; init; }

    public required DateTimeOffset LivenessChangedAt { get; init; }

    public required bool Connected { get; init; }

    public required DateTimeOffset FirstSeenAt { get; init; }

    /// <summary>When the last heartbeat arrived (control plane clock), or the last stored sighting.</summary>
    public required DateTimeOffset LastSeenAt { get; init; }

    /// <summary>Latest host metrics; null until the first heartbeat since the control plane started.</summary>
    public HostMetrics? Host { get; init; }

    /// <summary>The managed services of the node, from its latest heartbeat.</summary>
    public IReadOnlyList<ServiceReport> Services { get; init; } = [];

    /// <summary>The node's roles in failover groups, from its latest heartbeat.</summary>
    public IReadOnlyList<RoleReport> Roles { get; init; } = [];

    /// <summary>
    /// A heartbeat arrived on the node's current connection: <see cref="Services"/> and
    /// <see cref="Roles"/> are what this run of the agent holds, not what an earlier one reported.
    /// </summary>
    public bool HeardSinceRegistration { get; init; }

    /// <summary>The SignalR connection that speaks for the node now; null while none does.</summary>
    public string? Connection { get; init; }

    /// <summary>
    /// When the latest heartbeat on <see cref="Connection"/> arrived: a monotonic timestamp of the
    /// control plane's <see cref="TimeProvider"/>; null before the first since the node registered.
    /// </summary>
    public long? ReportedAt { get; init; }

    /// <summary>The node's maintenance, when an operator put it in maintenance (it may have ended by its own end time).</summary>
    public NodeMaintenance? Maintenance { get; init; }

    /// <summary>Version of the node's desired configuration (0: none).</summary>
    public long ConfigVersion { get; init; }

    /// <summary>Highest event sequence stored for the node.</summary>
    public long LastEventSequence { get; init; }
}
