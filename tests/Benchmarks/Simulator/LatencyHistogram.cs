namespace Vigil.Benchmarks.Simulator;

/// <summary>
/// Round-trip latencies in 50 µs buckets up to 10 s (and one bucket beyond), counted with
/// interlocked increments so that thousands of agents can record without a lock.
/// </summary>
public sealed class LatencyHistogram
{
    private const double BucketMicroseconds = 50;
    private readonly long[] _buckets = new long[200_001];
    private long _maxTicks;

    public void Record(TimeSpan latency)
    {
        var index = (int)Math.Min(latency.TotalMicroseconds / BucketMicroseconds, _buckets.Length - 1);
        Interlocked.Increment(ref _buckets[index]);
        RaiseTo(ref _maxTicks, latency.Ticks);
    }

    /// <summary>Sets <paramref name="target"/> to <paramref name="value"/> if that is larger, without a lock.</summary>
    public static void RaiseTo(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                break;
            }
        }
    }

    public long Count => _buckets.Sum();

    public TimeSpan Max => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    /// <summary>The upper edge of the bucket holding the given quantile (0–1).</summary>
    public TimeSpan Quantile(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds((i + 1) * BucketMicroseconds);
            }
        }

        return Max;
    }
}
