using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Nodes;

/// <summary>A node's liveness changed.</summary>
public sealed record LivenessTransition(
    Guid NodeId, string NodeName, NodeLiveness From, NodeLiveness To, DateTimeOffset At, string Reason);
