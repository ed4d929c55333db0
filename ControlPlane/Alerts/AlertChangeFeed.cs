using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Alerts;

/// <summary>Tells live views which alerts fired, resolved, were acknowledged or had a delivery attempted, coalesced.</summary>
public sealed class AlertChangeFeed(TimeProvider time) : ChangeFeed<Guid>(time, LiveViews.Coalescing);
