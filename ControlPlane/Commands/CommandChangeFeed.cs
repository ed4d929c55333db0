using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Commands;

/// <summary>Tells live views which nodes had a command created, delivered or finished (keys are node ids), coalesced.</summary>
public sealed class CommandChangeFeed(TimeProvider time) : ChangeFeed<Guid>(time, LiveViews.Coalescing);
