using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Health;

/// <summary>A liveness and, in an operator's words, why.</summary>
public readonly record struct LivenessVerdict(NodeLiveness Liveness, string Reason);
