namespace Vigil.ControlPlane.Data.Nodes;

/// <summary>One transition of a node's liveness, kept as history.</summary>
public sealed class NodeLivenessChange
{
    public long Id { get; set; }

    public Guid NodeId { get; set; }

    public NodeLiveness From { get; set; }

    public NodeLiveness To { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Reason { get; set; }
}
