using System.Runtime.CompilerServices;

namespace Vigil.ControlPlane.Nodes;

/// <summary>
/// Tells live views which nodes changed, coalesced: a subscriber receives the set of changed node
/// ids at most once per <paramref name="coalescing"/> window, however many heartbeats arrived.
/// </summary>
public sealed class NodeChangeFeed(TimeProvider time, TimeSpan coalescing)
{
    private readonly Lock _gate = new();
    private Subscriber[] _subscribers = [];

    /// <summary>Marks a node as changed for every subscriber. Cheap; called on every heartbeat.</summary>
    public void Publish(Guid nodeId)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.MarkChanged(nodeId);
        }
    }

    /// <summary>Yields batches of changed node ids until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<IReadOnlyCollection<Guid>> WatchAsync(
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
        private HashSet<Guid> _changed = [];
        private TaskCompletionSource _signal = NewSignal();

        public void MarkChanged(Guid nodeId)
        {
            lock (_gate)
            {
                if (_changed.Add(nodeId) && _changed.Count == 1)
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

        public HashSet<Guid> TakeChanged()
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
