namespace Vigil.ControlPlane.Data.Configurations;

/// <summary>The desired managed services of one node, as JSON, with a version that grows on every change.</summary>
public sealed class DesiredNodeConfiguration
{
    public Guid NodeId { get; set; }

    public long Version { get; set; }

    /// <summary>The <c>ManagedServiceDefinition</c> list, serialized.</summary>
    public required string ServicesJson { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
