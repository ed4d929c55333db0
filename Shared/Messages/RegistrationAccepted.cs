namespace Vigil.Shared.Messages;

/// <summary>Reply to a successful registration.</summary>
public sealed record RegistrationAccepted
{
    public required Guid NodeId { get; init; }

    /// <summary>The protocol version both sides will use on this connection.</summary>
    public required int ProtocolVersion { get; init; }
}
