using System.Runtime.CompilerServices;

namespace Vigil.ControlPlane.Live;

/// <summary>
/// Tells live views what changed, coalesced: a subscriber receives the set of changed keys (nodes,
/// groups, alerts...) at most once per <paramref name="coalescing"/> window, however many changes
/// were published. Each feature has its own feed type over this one (<c>NodeChangeFeed</c>,
/// <c>GroupChangeFeed</c>...), so a page asks for the feed it follows by its type.
/// </summary>
public abstract class ChangeFeed<TKey>(TimeProvider time, TimeSpan coalescing)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private Subscriber[] _subscribers = [];

    /// <summary>Marks a key as changed for every subscriber. Cheap (no allocation once a key is pending); called on every heartbeat.</summary>
    public void Publish(TKey key)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.MarkChanged(key);
        }
    }

    /// <summary>Yields batches of changed keys until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<IReadOnlyCollection<TKey>> WatchAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber();
        Change(list => [.. list, subscriber]);
        try
        {
            while (true)
            {
                await subscriber.WaitForChangeAsync(cancellationToken);
                await Task.Delay(coalescing, time, cancellationToken);
                yield return subscriber.TakeChanged();
            }
        }
        finally
        {
            Change(list => [.. list.Where(s => s != subscriber)]);
        }
    }

    private void Change(Func<Subscriber[], Subscriber[]> update)
    {
        lock (_gate)
        {
            Volatile.Write(ref _subscribers, update(_subscribers));
        }
    }

    private sealed class Subscriber
    {
        private readonly Lock _gate = new();
        private HashSet<TKey> _changed = [];
        private TaskCompletionSource _signal = NewSignal();

        public void MarkChanged(TKey key)
        {
            lock (_gate)
            {
                if (_changed.Add(key) && _changed.Count == 1)
                {
                    _signal.TrySetResult();
                }
            }
        }

        public Task WaitForChangeAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                return _signal.Task.WaitAsync(cancellationToken);
            }
        }

        public HashSet<TKey> TakeChanged()
        {
            lock (_gate)
            {
                var changed = _changed;
                _changed = [];
                _signal = NewSignal();
                return changed;
            }
        }

        private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
