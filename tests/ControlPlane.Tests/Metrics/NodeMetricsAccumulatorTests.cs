using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Metrics;
using static Vigil.ControlPlane.Tests.Metrics.Samples;

namespace Vigil.ControlPlane.Tests.Metrics;

public sealed class NodeMetricsAccumulatorTests
{
    private readonly SteppingClock _clock = new(Eight);
    private readonly CompletedMinutes _completed = new(capacity: 1_000);
    private readonly Guid _node = Guid.NewGuid();
    private readonly NodeMetricsAccumulator _accumulator;

    public NodeMetricsAccumulatorTests() => _accumulator = new NodeMetricsAccumulator(_clock, _completed);

    [Fact]
    public void Heartbeats_of_one_minute_make_one_bucket_with_mean_and_highest_cpu_and_mean_memory()
    {
        Record(10, usedGiB: 1, at: 0);
        Record(20, usedGiB: 2, at: 20);
        Record(60, usedGiB: 3, at: 59.999);

        Assert.Empty(Taken());
        var open = _accumulator.Recent(_node).Open!;
        Assert.Equal(new MetricBucket(_node, MetricResolution.Minute, Eight, 30, 60, 2 * GiB, 8 * GiB, 3), open);
    }

    [Fact]
    public void The_first_heartbeat_of_the_next_minute_completes_the_previous_one_exactly_at_the_boundary()
    {
        Record(10, at: 59.999);
        Record(30, at: 60);

        var minute = Assert.Single(Taken());
        Assert.Equal(Eight, minute.Start);
        Assert.Equal(1, minute.SampleCount);
        Assert.Equal(10, minute.CpuAverage);
        Assert.Equal(Eight.AddMinutes(1), _accumulator.Recent(_node).Open!.Start);
        Assert.Equal(minute, _accumulator.Recent(_node).LastCompleted);
    }

    [Fact]
    public void A_silent_node_has_its_minute_completed_by_the_sweep_once_the_minute_has_ended_and_not_before()
    {
        Record(40, at: 10);

        _clock.SetUtcNow(Eight.AddSeconds(59.999));
        Assert.Equal(0, _accumulator.CompleteEnded());
        _clock.SetUtcNow(Eight.AddMinutes(1));
        Assert.Equal(1, _accumulator.CompleteEnded());

        Assert.Equal(Eight, Assert.Single(Taken()).Start);
        Assert.Null(_accumulator.Recent(_node).Open);
        Assert.Equal(0, _accumulator.CompleteEnded());
    }

    [Fact]
    public void A_gap_without_heartbeats_leaves_no_bucket_for_the_silent_minutes()
    {
        Record(10, at: 5);
        Record(20, at: 4 * 60 + 5);
        _clock.SetUtcNow(Eight.AddMinutes(5));
        _accumulator.CompleteEnded();

        Assert.Equal([Eight, Eight.AddMinutes(4)], Taken().Select(m => m.Start));
    }

    [Fact]
    public void A_node_that_sent_no_heartbeat_has_no_open_minute_and_completes_nothing()
    {
        _clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(0, _accumulator.CompleteEnded());
        Assert.Empty(_accumulator.CompleteAll());
        Assert.Equal((null, null), _accumulator.Recent(Guid.NewGuid()));
        Assert.Empty(Taken());
    }

    [Fact]
    public void Nodes_are_accumulated_apart()
    {
        var other = Guid.NewGuid();
        Record(10, at: 1);
        _accumulator.Record(other, Host(90));
        _clock.SetUtcNow(Eight.AddMinutes(1));
        _accumulator.CompleteEnded();

        var minutes = Taken().ToDictionary(m => m.NodeId);
        Assert.Equal(10, minutes[_node].CpuAverage);
        Assert.Equal(90, minutes[other].CpuAverage);
    }

    [Fact]
    public void A_clock_that_jumps_ahead_completes_the_open_minute_at_its_own_start_and_opens_the_new_one()
    {
        Record(10, at: 30);
        Record(20, at: 3 * 3600 + 30);

        Assert.Equal(Eight, Assert.Single(Taken()).Start);
        Assert.Equal(Eight.AddHours(3), _accumulator.Recent(_node).Open!.Start);
    }

    [Fact]
    public void A_clock_that_steps_back_completes_the_open_minute_and_counts_later_heartbeats_in_the_earlier_minute()
    {
        Record(10, at: 5 * 60 + 30);
        _clock.StepWallClock(TimeSpan.FromSeconds(-200));
        _accumulator.Record(_node, Host(20));
        _clock.Advance(TimeSpan.FromSeconds(10));
        _accumulator.Record(_node, Host(30));

        var completed = Assert.Single(Taken());
        Assert.Equal(Eight.AddMinutes(5), completed.Start);
        var open = _accumulator.Recent(_node).Open!;
        Assert.Equal(Eight.AddMinutes(2), open.Start);
        Assert.Equal(2, open.SampleCount);
        Assert.Equal(25, open.CpuAverage);
    }

    [Fact]
    public void After_a_backward_step_the_sweep_does_not_complete_the_earlier_minute_early()
    {
        Record(10, at: 5 * 60 + 30);
        _clock.StepWallClock(TimeSpan.FromSeconds(-200));
        _accumulator.Record(_node, Host(20));
        Taken();

        _clock.Advance(TimeSpan.FromSeconds(49));
        Assert.Equal(0, _accumulator.CompleteEnded());
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, _accumulator.CompleteEnded());
        Assert.Equal(Eight.AddMinutes(2), Assert.Single(Taken()).Start);
    }

    [Fact]
    public void A_clock_that_steps_back_within_the_open_minute_keeps_counting_in_it()
    {
        Record(10, at: 40);
        _clock.StepWallClock(TimeSpan.FromSeconds(-30));
        _accumulator.Record(_node, Host(30));

        Assert.Empty(Taken());
        Assert.Equal(2, _accumulator.Recent(_node).Open!.SampleCount);
    }

    [Fact]
    public void A_minute_started_again_after_completion_reports_only_its_own_samples()
    {
        Record(100, usedGiB: 7, at: 10);
        _clock.SetUtcNow(Eight.AddMinutes(1));
        _accumulator.CompleteEnded();
        Record(10, usedGiB: 1, at: 70);

        var open = _accumulator.Recent(_node).Open!;
        Assert.Equal((10d, 10d, 1 * GiB, 1), (open.CpuAverage, open.CpuMax, open.MemoryUsedAverage, open.SampleCount));
    }

    [Fact]
    public void The_memory_total_is_the_largest_reported_and_used_memory_is_never_negative()
    {
        Record(5, usedGiB: 2, totalGiB: 8, at: 1);
        _clock.SetUtcNow(Eight.AddSeconds(2));
        _accumulator.Record(_node, Host(5) with { MemoryTotalBytes = 16 * GiB, MemoryAvailableBytes = 20 * GiB });

        var open = _accumulator.Recent(_node).Open!;
        Assert.Equal(16 * GiB, open.MemoryTotal);
        Assert.Equal(1 * GiB, open.MemoryUsedAverage);
    }

    [Fact]
    public void At_shutdown_every_open_minute_is_completed_ended_or_not()
    {
        Record(10, at: 10);
        _accumulator.Record(Guid.NewGuid(), Host(20));

        Assert.Equal(2, _accumulator.CompleteAll().Count);
        Assert.Empty(_accumulator.CompleteAll());
    }

    [Fact]
    public void When_the_queue_is_full_the_oldest_minute_gives_way_and_is_counted()
    {
        var small = new CompletedMinutes(capacity: 2);
        var accumulator = new NodeMetricsAccumulator(_clock, small);
        for (var minute = 0; minute < 4; minute++)
        {
            _clock.SetUtcNow(Eight.AddMinutes(minute));
            accumulator.Record(_node, Host(minute));
        }

        Assert.Equal(1, small.Dropped);
        Assert.True(small.Reader.TryRead(out var first));
        Assert.Equal(Eight.AddMinutes(1), first.Start);
    }

    private void Record(double cpu, double at, long usedGiB = 2, long totalGiB = 8)
    {
        _clock.SetUtcNow(Eight.AddSeconds(at));
        _accumulator.Record(_node, Host(cpu, usedGiB, totalGiB));
    }

    private List<MetricBucket> Taken()
    {
        var taken = new List<MetricBucket>();
        while (_completed.Reader.TryRead(out var minute))
        {
            taken.Add(minute);
        }

        return taken;
    }
}
