using Vigil.ControlPlane.Data.Metrics;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Metrics;

/// <summary>
/// The open minute of one node: sums of the heartbeats received in it, so that recording a heartbeat
/// is a few additions and nothing is allocated until the minute completes. Not thread-safe: the
/// owner locks the instance around every call.
/// </summary>
/// <remarks>
/// Minutes are taken from the wall clock. A heartbeat in a different minute than the open one
/// completes the open minute first, whether the clock moved on, jumped ahead over a gap, or stepped
/// back; a minute that is then written twice is combined again when read (<see cref="MetricRollup.Regroup"/>).
/// </remarks>
internal sealed class MinuteAccumulator(Guid nodeId)
{
    private DateTimeOffset _start;
    private int _samples;
    private double _cpuSum;
    private double _cpuMax;
    private double _memoryUsedSum;
    private long _memoryTotal;

    public Guid NodeId { get; } = nodeId;

    /// <summary>The minute completed last, kept so that readers see it before it is stored.</summary>
    public MetricBucket? LastCompleted { get; private set; }

    /// <summary>Adds a heartbeat received at <paramref name="at"/>; returns the minute it completed, if any.</summary>
    public MetricBucket? Add(DateTimeOffset at, HostMetrics host)
    {
        var minute = MetricTime.StartOfMinute(at);
        var completed = _samples > 0 && minute != _start ? Complete() : null;
        if (_samples == 0)
        {
            _start = minute;
            _cpuMax = 0;
            _memoryTotal = 0;
        }

        var cpu = Math.Clamp(host.CpuPercent, 0, 100);
        _samples++;
        _cpuSum += cpu;
        _cpuMax = Math.Max(_cpuMax, cpu);
        _memoryUsedSum += Math.Max(0, host.MemoryTotalBytes - host.MemoryAvailableBytes);
        _memoryTotal = Math.Max(_memoryTotal, host.MemoryTotalBytes);
        return completed;
    }

    /// <summary>Completes the open minute once <paramref name="now"/> is past its end; null otherwise.</summary>
    public MetricBucket? CompleteIfEnded(DateTimeOffset now) =>
        _samples > 0 && now >= _start + MetricTime.Minute ? Complete() : null;

    /// <summary>Completes the open minute however far it is (at shutdown); null when it holds nothing.</summary>
    public MetricBucket? CompleteNow() => _samples > 0 ? Complete() : null;

    /// <summary>The open minute so far, or null when no heartbeat arrived in it.</summary>
    public MetricBucket? Open() => _samples > 0 ? Snapshot() : null;

    private MetricBucket Complete()
    {
        var bucket = Snapshot();
        LastCompleted = bucket;
        _samples = 0;
        _cpuSum = 0;
        _memoryUsedSum = 0;
        return bucket;
    }

    private MetricBucket Snapshot() => new(
        NodeId,
        MetricResolution.Minute,
        _start,
        _cpuSum / _samples,
        _cpuMax,
        (long)Math.Round(_memoryUsedSum / _samples),
        _memoryTotal,
        _samples);
}
