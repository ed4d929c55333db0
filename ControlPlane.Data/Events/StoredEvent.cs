namespace Vigil.ControlPlane.Data.Events;

/// <summary>An event an agent reported, stored once per (node, sequence).</summary>
public sealed class StoredEvent
{
    public long Id { get; set; }

    public Guid NodeId { get; set; }

    /// <summary>The agent's sequence number; unique per node.</summary>
    public long Sequence { get; set; }

    /// <summary>When it happened, by the agent's clock.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>When the control plane stored it, by its own clock (filters and ordering use this).</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    public required string Kind { get; set; }

    public string? Service { get; set; }

    public required string Message { get; set; }

    public int? ExitCode { get; set; }
}
