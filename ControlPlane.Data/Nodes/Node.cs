namespace Vigil.ControlPlane.Data.Nodes;

/// <summary>A server with a Vigil agent, as last stored. The live state is in memory; this row gets
/// registrations and liveness changes at once, and <see cref="LastSeenAt"/> in batches.</summary>
public sealed class Node
{
    public const int MaintenanceReasonMaxLength = 512;

    public const int MaintenanceByMaxLength = 256;

    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string AgentVersion { get; set; }

    public required string OperatingSystem { get; set; }

    public int ProcessorCount { get; set; }

    public int HeartbeatIntervalMs { get; set; }

    public Dictionary<string, string> Labels { get; set; } = [];

    public NodeLiveness Liveness { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public DateTimeOffset LivenessChangedAt { get; set; }

    /// <summary>Since when the node is in maintenance; null when it is not.</summary>
    public DateTimeOffset? MaintenanceSince { get; set; }

    /// <summary>When the maintenance ends by itself; null: when an operator ends it.</summary>
    public DateTimeOffset? MaintenanceUntil { get; set; }

    public string? MaintenanceReason { get; set; }

    public string? MaintenanceBy { get; set; }
}
