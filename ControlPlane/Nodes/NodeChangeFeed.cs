using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Nodes;

/// <summary>Tells live views which nodes changed (published by the registry on every heartbeat), coalesced.</summary>
public sealed class NodeChangeFeed(TimeProvider time, TimeSpan coalescing) : ChangeFeed<Guid>(time, coalescing);
