using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Audit;

/// <summary>Tells live views that audit entries were written, at most four times a second.</summary>
public sealed class AuditFeed(TimeProvider time)
{
    private readonly NodeChangeFeed _feed = new(time, TimeSpan.FromMilliseconds(250));

    public void Publish() => _feed.Publish(Guid.Empty);

    /// <summary>Yields once after each burst of writes, until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<int> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in _feed.WatchAsync(cancellationToken))
        {
            yield return batch.Count;
        }
    }
}
