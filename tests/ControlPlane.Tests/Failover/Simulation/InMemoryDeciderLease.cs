using Vigil.ControlPlane.Decider;

namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>The decider lease's row in the simulation's database: written only where it is still as read (compare and set).</summary>
internal sealed class InMemoryDeciderLease
{
    public DeciderLeaseState? Stored { get; private set; }

    public bool TryWrite(DeciderLeaseState? read, DeciderLeaseState next)
    {
        var unchanged = read is null
            ? Stored is null
            : Stored is { } stored && stored.HolderId == read.HolderId && stored.Token == read.Token && stored.ExpiresAt == read.ExpiresAt;
        if (unchanged)
        {
            Stored = next;
        }

        return unchanged;
    }
}
