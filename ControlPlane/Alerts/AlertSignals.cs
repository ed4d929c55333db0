using System.Threading.Channels;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// The queue between the places that observe something (the live registry, the heartbeat filter, the
/// failover coordinator, the command pipeline) and the one <see cref="AlertEvaluator"/>. Raising never
/// waits: it is called on the heartbeat path. Bounded, so that an alert storm cannot exhaust memory;
/// what does not fit is counted and reported by the evaluator.
/// </summary>
public sealed class AlertSignals
{
    public const int Capacity = 50_000;

    private readonly Channel<AlertSignal> _signals = Channel.CreateBounded<AlertSignal>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private long _dropped;

    public ChannelReader<AlertSignal> Reader => _signals.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Raise(AlertSignal signal)
    {
        if (!_signals.Writer.TryWrite(signal))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void Raise(IEnumerable<AlertSignal> signals)
    {
        foreach (var signal in signals)
        {
            Raise(signal);
        }
    }
}
