namespace Vigil.ControlPlane.Live;

/// <summary>What every live view shares: how long changes are gathered before a page re-renders.</summary>
public static class LiveViews
{
    /// <summary>A page re-renders four times a second at most, never once per heartbeat.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(250);
}
