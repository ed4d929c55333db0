namespace Vigil.ControlPlane.Data;

/// <summary>
/// Retries a database write with doubling delays, from <paramref name="firstDelay"/> up to
/// <paramref name="maxDelay"/>, until it lands. An outage is told once when a write first fails and
/// once when a write lands again, however many writes and attempts it spans. Cancellation ends the
/// wait; it is never retried. For one writer: not thread-safe.
/// </summary>
internal sealed class WriteRetry(TimeProvider time, TimeSpan firstDelay, TimeSpan maxDelay)
{
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
}
