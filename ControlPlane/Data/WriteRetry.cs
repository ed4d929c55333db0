namespace Vigil.ControlPlane.Data;

/// <summary>
/// Retries a database write with doubling delays, from <paramref name="firstDelay"/> up to
/// <paramref name="maxDelay"/>, until it lands. An outage is told once when a write first fails and
/// once when a write lands again, however many writes and attempts it spans. Cancellation ends the
/// wait; it is never retried. For one writer: not thread-safe.
/// A writer that can tell whether the database answers uses <see cref="UntilWrittenOrRefusedAsync"/>,
/// so that a poison batch (one the database refuses, e.g. a constraint it breaks) does not hold the
/// writer forever.
/// </summary>
internal sealed class WriteRetry(TimeProvider time, TimeSpan firstDelay, TimeSpan maxDelay)
{
    /// <summary>Failed attempts of one write, each while the database answered, after which the write is refused.</summary>
    public const int RefusedAfter = 3;

    private DateTimeOffset? _outageSince;

    /// <param name="outageBegan">Called with the first failure of an outage.</param>
    /// <param name="outageEnded">Called with the outage's length when a write lands after it.</param>
    /// <param name="afterFailedAttempt">Called after each failed attempt's delay, before the next attempt.</param>
    public async Task UntilWrittenAsync(
        Func<Task> write,
        Action<Exception>? outageBegan,
        Action<TimeSpan>? outageEnded,
        CancellationToken cancellationToken,
        Action? afterFailedAttempt = null)
    {
        var delay = firstDelay;
        while (true)
        {
            try
            {
                await write();
                if (_outageSince is { } since)
                {
                    _outageSince = null;
                    outageEnded?.Invoke(time.GetUtcNow() - since);
                }

                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (_outageSince is null)
                {
                    _outageSince = time.GetUtcNow();
                    outageBegan?.Invoke(exception);
                }

                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
                afterFailedAttempt?.Invoke();
            }
        }
    }

    /// <summary>
    /// Like <see cref="UntilWrittenAsync"/>, but gives the write up when it failed <see cref="RefusedAfter"/>
    /// times in a row while <paramref name="databaseAnswers"/> said the database answers: the database
    /// refuses it, and retrying would hold the writer forever. Returns null when written, the last
    /// failure when refused; the writer then decides what to keep of it (e.g. writes its entries one by one).
    /// </summary>
    public async Task<Exception?> UntilWrittenOrRefusedAsync(
        Func<Task> write,
        Func<CancellationToken, Task<bool>> databaseAnswers,
        Action<Exception>? outageBegan,
        Action<TimeSpan>? outageEnded,
        CancellationToken cancellationToken,
        Action? afterFailedAttempt = null)
    {
        var refusals = 0;
        Exception? refused = null;
        await UntilWrittenAsync(
            async () =>
            {
                try
                {
                    await write();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    refusals = await databaseAnswers(cancellationToken) ? refusals + 1 : 0;
                    if (refusals < RefusedAfter)
                    {
                        throw;
                    }

                    refused = exception;
                }
            },
            outageBegan,
            outageEnded,
            cancellationToken,
            afterFailedAttempt);
        return refused;
    }
}
