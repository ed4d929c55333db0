using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Failover;

/// <summary>
/// Tells live views which failover groups changed as operators see them — definition, epoch,
/// transition, status, members' state, history — published by the coordinator, coalesced.
/// </summary>
public sealed class GroupChangeFeed(TimeProvider time) : ChangeFeed<Guid>(time, LiveViews.Coalescing);
