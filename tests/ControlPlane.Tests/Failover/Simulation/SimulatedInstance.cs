using Vigil.ControlPlane.Decider;

namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>How an instance's link to the database fails.</summary>
internal enum DatabaseLink
{
    Up,

    /// <summary>Some queries take seconds.</summary>
    Slow,

    /// <summary>Every query fails at once.</summary>
    Refuses,

    /// <summary>Queries get no answer; some reach the database when the link comes back, their answers lost.</summary>
    Hangs,
}

/// <summary>
/// One control-plane instance of a simulation with several: it claims and renews the decider lease as
/// <see cref="DeciderLeaseHolder"/> does (read, the real <see cref="DeciderElection.Claim"/>, a write
/// where the row is still as read, the real <see cref="DeciderTrust"/>), each query taking the
/// database's time; it stands by (relaying agents) while another holds the lease, decides while it
/// holds it, and stops when it loses it or can no longer trust it.
/// </summary>
internal sealed class SimulatedInstance(int index, TimeSpan wallClockOffset, TimeProvider shared, DeciderOptions options, ISimulationContext world) : IDeciderAuthority
{
    /// <summary>How long a query waits for the database before it fails (EF Core's command timeout).</summary>
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(30);

    private readonly List<Action> _parked = [];
    private PendingClaim? _pending;
    private TimeSpan _nextClaim;
    private TimeSpan? _restartAt;
    private long _claims;

    public int Index { get; } = index;

    /// <summary>The installation: the same across restarts of its process.</summary>
    public Guid Id { get; } = Guid.NewGuid();

    public string Name => $"cp-{Index}";

    public TimeProvider Clock { get; } = new SkewedClock(shared, wallClockOffset);

    public bool Alive { get; private set; } = true;

    /// <summary>Bumped at every stop: answers to an earlier process are lost.</summary>
    public int Run { get; private set; }

    public DeciderTrust Trust { get; private set; } = new(options, shared.TimestampFrequency);

    /// <summary>Standing by: it has seen another instance's live lease and relays agents to it.</summary>
    public bool Relaying { get; private set; }

    /// <summary>This process's control plane, built when it took the lease over.</summary>
    public DecidingView? View { get; set; }

    public bool RedisCut { get; set; }

    public DatabaseLink Database { get; private set; }

    public bool MayDecide => Alive && Trust.MayDecide(Clock.GetTimestamp());

    /// <summary>Another instance may hear it on Redis (it relays, or it answers relayed calls).</summary>
    public bool OnRedis => Alive && !RedisCut;

    public event Action<SimulatedInstance>? TookOver;

    public event Action<SimulatedInstance>? Stopped;

    public void Tick(TimeSpan now)
    {
        if (!Alive)
        {
            if (_restartAt is { } at && now >= at)
            {
                Alive = true;
                _restartAt = null;
                _nextClaim = now;
            }

            return;
        }

        if (_pending is { GiveUpAt: { } giveUp } pending && now >= giveUp)
        {
            // The renewal is waited for no longer than the lease's trusted end.
            Failed(pending);
        }

        if (Alive && _pending is null && now >= _nextClaim)
        {
            BeginClaim();
        }
    }

    /// <summary>The process ends (a kill, a crash, a stop); its service manager starts it again after <paramref name="restartAfter"/>, if given.</summary>
    public void Stop(TimeSpan? restartAfter)
    {
        if (!Alive)
        {
            return;
        }

        Alive = false;
        Run++;
        Relaying = false;
        View = null;
        _pending = null;
        Trust = new DeciderTrust(options, shared.TimestampFrequency);
        _restartAt = restartAfter is { } after ? world.Now + after : null;
        Stopped?.Invoke(this);
    }

    /// <summary>Its service manager starts it now, if it is down.</summary>
    public void Restart()
    {
        if (!Alive)
        {
            _restartAt = world.Now;
        }
    }

    /// <summary>A planned stop's last act: the lease, still held, is written as expired so that another instance takes over at once.</summary>
    public void Release()
    {
        if (Trust.Held is { } held && Database is DatabaseLink.Up or DatabaseLink.Slow)
        {
            world.Lease.TryWrite(held, held with { ExpiresAt = Clock.GetUtcNow() });
        }
    }

    public void CutDatabase(DatabaseLink how) => Database = how;

    public void HealDatabase()
    {
        Database = DatabaseLink.Up;
        foreach (var query in _parked.Where(_ => world.Random.Next(2) == 0))
        {
            query();
        }

        _parked.Clear();
    }

    private void BeginClaim()
    {
        // The stored expiry is counted from this moment or later, so the lease is trusted from here.
        var askedAt = Clock.GetTimestamp();
        var renewal = Trust.Held is not null;
        var giveUpAt = renewal && Trust.RenewalWait(askedAt) is { } wait ? world.Now + wait : (TimeSpan?)null;
        var pending = new PendingClaim(++_claims, askedAt, renewal, giveUpAt);
        _pending = pending;
        Read(pending);
    }

    private void Read(PendingClaim pending)
    {
        DeciderLeaseState? stored = null;
        Query(() => stored = world.Lease.Stored, () =>
        {
            var claim = DeciderElection.Claim(stored, Trust.Held?.Token, Id, Name, Clock.GetUtcNow(), options.LeaseDuration);
            if (claim is DeciderClaim.Held held)
            {
                Write(pending, stored, held);
            }
            else
            {
                Ended(pending, claim);
            }
        }, pending);
    }

    private void Write(PendingClaim pending, DeciderLeaseState? read, DeciderClaim.Held claim)
    {
        var written = false;
        Query(() => written = world.Lease.TryWrite(read, claim.Lease), () =>
        {
            if (!written)
            {
                // Changed meanwhile by another instance: read it again.
                Read(pending);
                return;
            }

            // Trusted from here even where the renewal is no longer waited for.
            Trust.Confirm(claim.Lease, pending.AskedAt);
            Ended(pending, claim);
        }, pending);
    }

    /// <summary>One query: it reaches the database (<paramref name="atDatabase"/>), and its answer comes back to this process (<paramref name="answered"/>).</summary>
    private void Query(Action atDatabase, Action answered, PendingClaim pending)
    {
        var run = Run;
        var took = Database == DatabaseLink.Slow && world.Random.Next(3) == 0 ? TimeSpan.FromMilliseconds(world.Random.Next(200, 3000)) : TimeSpan.FromMilliseconds(world.Random.Next(1, 40));
        switch (Database)
        {
            case DatabaseLink.Refuses:
                world.Timeline.At(world.Now + took, () => Failed(pending));
                return;
            case DatabaseLink.Hangs:
                _parked.Add(atDatabase);
                world.Timeline.At(world.Now + QueryTimeout, () => Failed(pending));
                return;
            default:
                atDatabase();
                world.Timeline.At(world.Now + took, () =>
                {
                    if (Alive && run == Run)
                    {
                        answered();
                    }
                });
                return;
        }
    }

    private void Failed(PendingClaim pending)
    {
        if (_pending != pending)
        {
            return;
        }

        _pending = null;
        if (pending.Renewal && Trust.StopsAfterFailedRenewal(Clock.GetTimestamp()))
        {
            // Another instance may take over now: this one has stopped deciding, and starts again as a standby.
            Stop(RestartDelay());
            return;
        }

        _nextClaim = world.Now + (pending.Renewal ? options.RenewInterval : options.StandbyCheckInterval);
    }

    /// <summary>What the holder's loop makes of a claim that ended, if it still waits for it.</summary>
    private void Ended(PendingClaim pending, DeciderClaim claim)
    {
        if (_pending != pending)
        {
            return;
        }

        _pending = null;
        switch (claim)
        {
            case DeciderClaim.Held { TookOver: true }:
                Relaying = false;
                TookOver?.Invoke(this);
                _nextClaim = world.Now + options.RenewInterval;
                break;
            case DeciderClaim.Held:
                _nextClaim = world.Now + options.RenewInterval;
                break;
            case DeciderClaim.HeldByOther when pending.Renewal:
                // Taken over by another: this one stops, so that one decides.
                Trust.Lose();
                Stop(RestartDelay());
                break;
            default:
                Relaying = true;
                _nextClaim = world.Now + options.StandbyCheckInterval;
                break;
        }
    }

    private TimeSpan RestartDelay() => TimeSpan.FromMilliseconds(world.Random.Next(500, 5000));

    private sealed record PendingClaim(long Number, long AskedAt, bool Renewal, TimeSpan? GiveUpAt);
}

/// <summary>What an instance of the simulation reaches of the world: its clock, its randomness, what is scheduled, the database's lease row.</summary>
internal interface ISimulationContext
{
    TimeSpan Now { get; }

    Random Random { get; }

    Timeline Timeline { get; }

    InMemoryDeciderLease Lease { get; }
}
