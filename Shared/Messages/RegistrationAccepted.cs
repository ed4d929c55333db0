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
}
