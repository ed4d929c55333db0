namespace Vigil.ControlPlane.Decider;

/// <summary>
/// The decider lease as stored: which control-plane instance holds it, until when, and its fencing
/// token, which grows on every change of holder.
/// </summary>
public sealed record DeciderLeaseState(Guid HolderId, string HolderName, DateTimeOffset ExpiresAt, long Token);

/// <summary>What a claim of the decider lease comes to.</summary>
public abstract record DeciderClaim
{
    private DeciderClaim()
    {
    }

    /// <summary>The lease is this instance's, as <paramref name="Lease"/>; <paramref name="TookOver"/> when it was free or expired.</summary>
    public sealed record Held(DeciderLeaseState Lease, bool TookOver) : DeciderClaim;

    /// <summary>Another instance holds a live lease.</summary>
    public sealed record HeldByOther(DeciderLeaseState Lease) : DeciderClaim;
}

/// <summary>
/// Who may decide: one control-plane instance at a time holds the decider lease, renews it before it
/// expires, and only the holder runs failover decisions. An instance is an installation (its data
/// directory, which one process at a time may use); <c>heldToken</c> is the token this process holds,
/// null before its first claim. Pure: the caller reads the stored lease, asks here, and writes the
/// result only if the stored lease is still the one it read.
/// </summary>
public static class DeciderElection
{
    public static DeciderClaim Claim(DeciderLeaseState? stored, long? heldToken, Guid self, string selfName, DateTimeOffset now, TimeSpan duration)
    {
        if (stored is null)
        {
            return new DeciderClaim.Held(new DeciderLeaseState(self, selfName, now + duration, 1), TookOver: true);
        }

        if (stored.HolderId == self && stored.Token == heldToken)
        {
            return new DeciderClaim.Held(stored with { HolderName = selfName, ExpiresAt = now + duration }, TookOver: false);
        }

        if (heldToken is not null)
        {
            // Held by this process once, and taken over since: it decides no more.
            return new DeciderClaim.HeldByOther(stored);
        }

        // Held by a previous run of this installation (which has ended: this process holds the data
        // directory), or by another instance whose lease has expired: taken over, with a new token.
        return stored.HolderId == self || stored.ExpiresAt <= now
            ? new DeciderClaim.Held(new DeciderLeaseState(self, selfName, now + duration, stored.Token + 1), TookOver: true)
            : new DeciderClaim.HeldByOther(stored);
    }
}
