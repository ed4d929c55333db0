namespace Vigil.Benchmarks.Failover;

/// <summary>
/// Waits, with a deadline, for a state the control plane shows only when asked (its REST API has no
/// events): asks on a <see cref="PeriodicTimer"/> until the answer is the one wanted. An unanswered
/// request counts as "not yet".
/// </summary>
public static class Waiting
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <param name="condition">Asked at once, then every 100 ms.</param>
    /// <param name="what">What is awaited, for the timeout's message; called only then, so it may describe the last state seen.</param>
    public static async Task UntilAsync(
        Func<CancellationToken, Task<bool>> condition, Func<string> what, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var timer = new PeriodicTimer(Interval, time);
        while (true)
        {
            try
            {
                if (await condition(cancellationToken))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The request timed out.
            }

            if (time.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting until {what()}.");
            }

            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }
}
