namespace Vigil.ControlPlane.Decider;

/// <summary>
/// Takes the decider lease at start and renews it while the control plane runs. Until several instances
/// can share a database, the decider is the only instance: one that finds a live lease held by another
/// instance refuses to start, and one that loses its lease stops. A crashed instance's lease is taken
/// over once it has expired (or at once by the next run of the same installation), with token + 1.
/// </summary>
public sealed partial class DeciderLeaseHolder(
    DeciderLeaseStore store,
    InstanceIdentity identity,
    Microsoft.Extensions.Options.IOptions<DeciderOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DeciderLeaseHolder> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private DeciderLeaseState? _held;
    private Task _renewing = Task.CompletedTask;
    private volatile bool _disposed;

    /// <summary>The fencing token of the lease this instance holds; null while it holds none.</summary>
    public long? Token => _held?.Token;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var claim = await ClaimAsync(cancellationToken);
        if (claim is DeciderClaim.HeldByOther other)
        {
            throw new InvalidOperationException(
                $"Another control plane, {other.Lease.HolderName}, holds the decider lease of this database until {other.Lease.ExpiresAt:u}. " +
                "Several control planes on one database are not supported yet: stop the other one first (its lease then ends at once), " +
                "or point this one at its own database (Database:ConnectionString).");
        }

        var held = (DeciderClaim.Held)claim;
        if (held.TookOver)
        {
            LogTookOver(held.Lease.Token, identity.Name);
        }

        _renewing = RenewAsync(_stopping.Token);
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
        if (_held is { } held)
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
            var claim = DeciderElection.Claim(stored, _held?.Token, identity.Id, identity.Name, time.GetUtcNow(), options.Value.LeaseDuration);
            if (claim is DeciderClaim.HeldByOther)
            {
                return claim;
            }

            var next = ((DeciderClaim.Held)claim).Lease;
            if (await store.TryWriteAsync(stored, next, cancellationToken))
            {
                _held = next;
                return claim;
            }

            // Changed meanwhile by another instance: read it again.
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.RenewInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    if (await ClaimAsync(cancellationToken) is DeciderClaim.HeldByOther other)
                    {
                        _held = null;
                        LogLost(other.Lease.HolderName, other.Lease.Token);
                        lifetime.StopApplication();
                        return;
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The database is away: the lease lapses unless a later renewal succeeds in time.
                    LogNotRenewed(exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This control plane holds the decider lease (token {Token}) as {Holder}")]
    private partial void LogTookOver(long token, string holder);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The decider lease was taken over by {Holder} (token {Token}): this control plane stops, so that one decides. Check that only one control plane uses this database")]
    private partial void LogLost(string holder, long token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The decider lease could not be renewed: {Reason}. It lapses unless the database answers again in time")]
    private partial void LogNotRenewed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The decider lease could not be released at stop: {Reason}. Another instance starts only once it has expired")]
    private partial void LogNotReleased(string reason);
}
