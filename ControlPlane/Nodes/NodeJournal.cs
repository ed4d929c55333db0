using System.Threading.Channels;

namespace Vigil.ControlPlane.Nodes;

/// <summary>Something about a node that must reach the database promptly, in order.</summary>
public abstract record NodeJournalEntry;

/// <summary>A node registered: create or update its row.</summary>
public sealed record NodeRegistered(NodeStatus Node) : NodeJournalEntry;

/// <summary>A node's liveness changed: record the transition and update its row.</summary>
public sealed record NodeLivenessChanged(LivenessTransition Transition) : NodeJournalEntry;

/// <summary>
/// The queue between the live registry (many writers, on the heartbeat path) and the one database
/// writer. Bounded so that a long database outage cannot exhaust memory; what does not fit is
/// counted and reported by the writer.
/// </summary>
public sealed class NodeJournal
{
    public const int Capacity = 100_000;

    private readonly Channel<NodeJournalEntry> _entries = Channel.CreateBounded<NodeJournalEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private long _dropped;

    public ChannelReader<NodeJournalEntry> Reader => _entries.Reader;

    /// <summary>Entries that were discarded because the journal was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Append(NodeJournalEntry entry)
    {
        if (!_entries.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }
}
