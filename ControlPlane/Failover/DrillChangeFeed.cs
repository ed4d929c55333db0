using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Failover;

/// <summary>Tells live views which groups had a drill start or end (keys are group ids), coalesced.</summary>
public sealed class DrillChangeFeed(TimeProvider time) : ChangeFeed<Guid>(time, LiveViews.Coalescing);
