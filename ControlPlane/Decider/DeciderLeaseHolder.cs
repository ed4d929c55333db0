using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Observability;

namespace Vigil.ControlPlane.Decider;

/// <summary>
/// Takes the decider lease before the control plane loads its state and serves, and renews it while
/// it runs. An instance that finds a live lease held by another refuses to start, unless it is a
/// standby (<see cref="DeciderOptions.Standby"/>): then it waits, without serving, until that lease
/// ends (at once after a planned stop, after <see cref="DeciderOptions.LeaseDuration"/> after a crash)
/// and takes it over with token + 1. One that loses its lease stops. A standby-mode decider trusts its
/// lease only until its last confirmed renewal's start + the duration − the clock skew allowance, so
/// it has stopped deciding and granting the active role's leases before another instance can take over.
/// </summary>
public sealed partial class DeciderLeaseHolder(
    DeciderLeaseStore store,
    InstanceIdentity identity,
    Microsoft.Extensions.Options.IOptions<DeciderOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DeciderLeaseHolder> logger,
    HostExitCode? exitCode = null,
    IStandbyDuty? standbyDuty = null) : IHostedService, IServingGate, IDeciderAuthority, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly DeciderOptions _options = options.Value;
    private readonly DeciderTrust _trust = new(options.Value, time.TimestampFrequency);
    private Task _renewing = Task.CompletedTask;
    private int _renewalStarted;
    private volatile bool _disposed;

    /// <summary>The fencing token of the lease this instance holds; null while it holds none.</summary>
    public long? Token => _trust.Held?.Token;

    /// <inheritdoc cref="DeciderTrust.MayDecide"/>
    public bool MayDecide => _trust.MayDecide(time.GetTimestamp());

    /// <summary>Takes the lease, waiting as a standby when so configured; refuses when another instance holds it otherwise.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        if (_trust.Held is not null)
        {
            return;
        }

        try
        {
            await WaitForLeaseAsync(cancellationToken);

            // Renewed from the moment it is held: what follows before the host has started (the relay's
            // stop, the database's preparation, loading the state) can take longer than the lease.
            StartRenewing();
        }
        finally
        {
            if (standbyDuty is not null)
            {
                await standbyDuty.EndAsync();
            }
        }
    }

    private async Task WaitForLeaseAsync(CancellationToken cancellationToken)
    {
        DeciderLeaseState? waitingFor = null;
        while (true)
        {
            DeciderClaim claim;
            try
            {
                claim = await ClaimAsync(cancellationToken);
            }
            catch (Exception exception) when (waitingFor is not null && exception is not OperationCanceledException)
            {
                // A standby outlives database outages; the first claim's failure is the start's to report.
                LogStandbyCannotCheck(exception.Message);
                await Task.Delay(_options.StandbyCheckInterval, time, cancellationToken);
                continue;
            }

            if (claim is DeciderClaim.Held held)
            {
                LogTookOver(held.Lease.Token, identity.Name, waitingFor is not null ? "after standing by" : "at start");
                return;
            }

            var other = ((DeciderClaim.HeldByOther)claim).Lease;
            if (!_options.Standby)
            {
                throw new DeciderLeaseRefusedException(
                    $"Another control plane, {other.HolderName}, holds the decider lease of this database until {other.ExpiresAt:u}. " +
                    "Stop the other one first (its lease then ends at once), point this one at its own database (Database:ConnectionString), " +
                    "or set Decider:Standby to true to run it as that one's standby (PostgreSQL or SQL Server).");
            }

            if (waitingFor is null || waitingFor.HolderId != other.HolderId || waitingFor.Token != other.Token)
            {
                LogStandingBy(other.HolderName, other.Token, other.ExpiresAt);
            }

            if (waitingFor is null && standbyDuty is not null)
            {
                await standbyDuty.BeginAsync(cancellationToken);
            }

            waitingFor = other;
            await Task.Delay(_options.StandbyCheckInterval, time, cancellationToken);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Normally taken already, between the database's preparation and the loading of the state.
        await PassAsync(cancellationToken);
        StartRenewing();
    }

    private void StartRenewing()
    {
        if (Interlocked.Exchange(ref _renewalStarted, 1) == 0)
        {
            _renewing = RenewAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            // A host that ended its own run (and disposed its services) may still be asked to stop.
            return;
        }

        await _stopping.CancelAsync();
        await _renewing;
        if (_trust.Held is { } held)
        {
            try
            {
                // Expired at once, so that the next start (of this or another instance) takes it over without waiting.
                await store.TryWriteAsync(held, held with { ExpiresAt = time.GetUtcNow() }, cancellationToken);
            }
            catch (Exception exception)
            {
                // Also a stop that ran out of time: the lease then lapses by itself.
                LogNotReleased(exception.Message);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _stopping.Dispose();
    }

    /// <summary>Claims the lease until it is held or a live lease of another instance is met.</summary>
    private async Task<DeciderClaim> ClaimAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var stored = await store.ReadAsync(cancellationToken);

            // The stored expiry is counted from this moment or later, so the lease is trusted from here. Not from
            // before the read: a read that hung with the database would leave a lease that is untrusted once held.
            var asked = time.GetTimestamp();
            var claim = DeciderElection.Claim(stored, _trust.Held?.Token, identity.Id, identity.Name, time.GetUtcNow(), _options.LeaseDuration);
            if (claim is DeciderClaim.HeldByOther)
            {
                return claim;
            }

            var next = ((DeciderClaim.Held)claim).Lease;
            if (await store.TryWriteAsync(stored, next, cancellationToken))
            {
                _trust.Confirm(next, asked);
                return claim;
            }

            // Changed meanwhile by another instance: read it again.
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.RenewInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    if (await RenewOnceAsync(cancellationToken) is DeciderClaim.HeldByOther other)
                    {
                        _trust.Lose();
                        LogLost(other.Lease.HolderName, other.Lease.Token);
                        lifetime.StopApplication();
                        return;
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The database is away or hangs: the lease lapses unless a later renewal succeeds in time.
                    LogNotRenewed(exception.Message);
                    if (_trust.StopsAfterFailedRenewal(time.GetTimestamp()))
                    {
                        // Another instance may take over now: this one has stopped deciding, and starts again as a standby.
                        LogNoLongerConfirmed();
                        exitCode?.Request(1);
                        lifetime.StopApplication();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One renewal; in standby mode not waited for past the lease's trusted end (a hung database would hold it).</summary>
    private Task<DeciderClaim> RenewOnceAsync(CancellationToken cancellationToken)
    {
        var claim = ClaimAsync(cancellationToken);
        return _trust.RenewalWait(time.GetTimestamp()) is { } wait ? claim.WaitAsync(wait, time, cancellationToken) : claim;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This control plane holds the decider lease (token {Token}) as {Holder}, {When}")]
    private partial void LogTookOver(long token, string holder, string when);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standing by: {Holder} holds the decider lease (token {Token}) until {ExpiresAt:u}; this control plane decides nothing and takes over when that lease ends")]
    private partial void LogStandingBy(string holder, long token, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standing by, and cannot look at the decider lease now: {Reason}")]
    private partial void LogStandbyCannotCheck(string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The decider lease could not be renewed in time: this control plane stopped deciding and granting leases, and stops so that its service manager starts it again as a standby")]
    private partial void LogNoLongerConfirmed();

    [LoggerMessage(Level = LogLevel.Critical, Message = "The decider lease was taken over by {Holder} (token {Token}): this control plane stops, so that one decides. Check that only one control plane uses this database")]
    private partial void LogLost(string holder, long token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The decider lease could not be renewed: {Reason}. It lapses unless the database answers again in time")]
    private partial void LogNotRenewed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The decider lease could not be released at stop: {Reason}. Another instance starts only once it has expired")]
    private partial void LogNotReleased(string reason);
}

/// <summary>Another instance holds the decider lease and this one is not a standby: waiting will not help.</summary>
public sealed class DeciderLeaseRefusedException(string message) : InvalidOperationException(message);
