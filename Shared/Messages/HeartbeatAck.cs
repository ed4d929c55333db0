using Vigil.Shared.Roles;

namespace Vigil.Shared.Messages;

/// <summary>The control plane's answer to a heartbeat.</summary>
public sealed record HeartbeatAck
{
    /// <summary>Sequence number of the heartbeat being acknowledged.</summary>
    public required long Sequence { get; init; }

    /// <summary>Active roles whose lease this acknowledgement renews, counted from when the heartbeat was sent.</summary>
    public IReadOnlyList<LeaseRenewal> Leases { get; init; } = [];

    /// <summary>The heartbeat said its services were unchanged, but the control plane has no list from this connection: send the full list next.</summary>
    public bool SendServices { get; init; }
}
