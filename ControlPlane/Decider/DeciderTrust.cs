namespace Vigil.ControlPlane.Decider;

/// <summary>
/// The decider lease this process holds, and until when it may trust it: a standby-mode decider
/// trusts it only until the start of its last confirmed claim or renewal + the lease duration − the
/// clock skew allowance, so it has stopped deciding and granting the active role's leases before
/// another instance (whose clock may differ by up to that allowance) can take it over. Pure: the
/// caller passes timestamps of its own monotonic clock.
/// </summary>
public sealed class DeciderTrust(DeciderOptions options, long timestampFrequency)
{
    private long _confirmedUntil;
    private volatile DeciderLeaseState? _held;

    /// <summary>The lease as this process last wrote it; null before its first claim and once it lost it.</summary>
    public DeciderLeaseState? Held => _held;

    /// <summary>A claim or renewal that began at <paramref name="askedAt"/> wrote <paramref name="lease"/>: the stored expiry counts from then or later.</summary>
    public void Confirm(DeciderLeaseState lease, long askedAt)
    {
        _held = lease;
        var trusted = options.LeaseDuration - options.ClockSkewAllowance;
        Interlocked.Exchange(ref _confirmedUntil, askedAt + (long)(trusted.TotalSeconds * timestampFrequency));
    }

    /// <summary>Another instance holds the lease now.</summary>
    public void Lose() => _held = null;

    /// <summary>
    /// Held, and (for a standby-mode instance) confirmed recently enough that no other instance can
    /// have taken it over. A single instance keeps deciding while the database is away: no other may run.
    /// </summary>
    public bool MayDecide(long now) => _held is not null && (!options.Standby || now < Interlocked.Read(ref _confirmedUntil));

    /// <summary>A renewal that failed leaves a standby-mode decider that may decide no more to stop: another instance may take over now.</summary>
    public bool StopsAfterFailedRenewal(long now) => options.Standby && !MayDecide(now);

    /// <summary>How long a renewal begun at <paramref name="now"/> is waited for in standby mode: not past the trusted end (a hung database would hold it); null outside standby mode.</summary>
    public TimeSpan? RenewalWait(long now)
    {
        if (!options.Standby)
        {
            return null;
        }

        var left = TimeSpan.FromTicks((long)((Interlocked.Read(ref _confirmedUntil) - now) * ((double)TimeSpan.TicksPerSecond / timestampFrequency)));
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
