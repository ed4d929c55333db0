using System.Threading.Channels;

namespace Vigil.ControlPlane.Metrics;

/// <summary>
/// The queue between the accumulator (on the heartbeat path) and the one rollup writer. Bounded so
/// that a long database outage cannot exhaust memory: when full, the oldest minute gives way to the
/// newest, and the writer reports how many were given up.
/// </summary>
public sealed class CompletedMinutes
{
    private readonly Channel<MetricBucket> _minutes;
    private long _dropped;

    public CompletedMinutes(int capacity)
    {
        Capacity = capacity;
        _minutes = Channel.CreateBounded<MetricBucket>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _dropped));
    }

    public int Capacity { get; }

    public ChannelReader<MetricBucket> Reader => _minutes.Reader;

    /// <summary>Minutes given up because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(MetricBucket minute) => _minutes.Writer.TryWrite(minute);
}
