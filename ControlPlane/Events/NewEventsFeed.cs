using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Events;

/// <summary>Tells live views which nodes have new events, coalesced like node changes.</summary>
public sealed class NewEventsFeed(TimeProvider time)
{
    private readonly NodeChangeFeed _feed = new(time, TimeSpan.FromMilliseconds(250));

    public void Publish(Guid nodeId) => _feed.Publish(nodeId);

    public IAsyncEnumerable<IReadOnlyCollection<Guid>> WatchAsync(CancellationToken cancellationToken) => _feed.WatchAsync(cancellationToken);
}
