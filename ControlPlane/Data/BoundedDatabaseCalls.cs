namespace Vigil.ControlPlane.Data;

/// <summary>
/// Database calls made on someone's behalf who must be answered soon (an agent's hub call, a
/// connection's credential check): at most <paramref name="capacity"/> in flight, each answered within
/// <paramref name="within"/>, whether the database answers or not. A call beyond the capacity, or one
/// the database did not answer in time, fails at once with a <see cref="TimeoutException"/>, which
/// <see cref="DatabaseOutage"/> counts as an outage. A hung server may not honour cancellation for
/// long: the abandoned call goes on, cancelled, and keeps its place until the provider gives up, so a
/// stalled database never gathers more than <paramref name="capacity"/> calls.
/// </summary>
public sealed class BoundedDatabaseCalls(int capacity, TimeSpan within, TimeProvider time)
{
    private int _inFlight;

    public TimeSpan Within => within;

    /// <summary>How many calls are in flight now, abandoned ones included.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _inFlight) > capacity)
        {
            Interlocked.Decrement(ref _inFlight);
            throw new TimeoutException($"{capacity} database calls are waiting for the database already.");
        }

        var deadline = new CancellationTokenSource(within, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Task<T> running;
        try
        {
            running = call(linked.Token);
        }
        catch
        {
            Release(deadline, linked);
            throw;
        }

        _ = running.ContinueWith(
            (finished, _) =>
            {
                _ = finished.Exception; // observed: an abandoned call's late failure is no news
                Release(deadline, linked);
            },
            null, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            return await running.WaitAsync(within, time, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is TimeoutException or OperationCanceledException)
        {
            throw new TimeoutException($"The database did not answer within {within.TotalSeconds:0.#} s.", exception);
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(
            async token =>
            {
                await call(token);
                return true;
            },
            cancellationToken);

    private void Release(CancellationTokenSource deadline, CancellationTokenSource linked)
    {
        linked.Dispose();
        deadline.Dispose();
        Interlocked.Decrement(ref _inFlight);
    }
}
