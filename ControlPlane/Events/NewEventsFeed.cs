using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Events;

/// <summary>Tells live views which nodes have new events, coalesced like node changes.</summary>
public sealed class NewEventsFeed(TimeProvider time) : ChangeFeed<Guid>(time, LiveViews.Coalescing);
