using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Metrics;
using static Vigil.ControlPlane.Tests.Metrics.Samples;

namespace Vigil.ControlPlane.Tests.Metrics;

public sealed class MetricRollupTests
{
    private readonly Guid _node = Guid.NewGuid();

    [Fact]
    public void An_hour_weights_each_minute_by_its_sample_count()
    {
        MetricBucket[] minutes =
        [
            Minute(_node, Eight, cpuAverage: 10, cpuMax: 15, usedBytes: 1 * GiB, samples: 30),
            Minute(_node, Eight.AddMinutes(1), cpuAverage: 40, cpuMax: 95, usedBytes: 4 * GiB, samples: 10, totalBytes: 16 * GiB),
        ];

        var hour = MetricRollup.Combine(_node, MetricResolution.Hour, Eight, minutes)!;

        Assert.Equal(MetricResolution.Hour, hour.Resolution);
        Assert.Equal(Eight, hour.Start);
        Assert.Equal(17.5, hour.CpuAverage, precision: 10);
        Assert.Equal(95, hour.CpuMax);
        Assert.Equal((long)(1.75 * GiB), hour.MemoryUsedAverage);
        Assert.Equal(16 * GiB, hour.MemoryTotal);
        Assert.Equal(40, hour.SampleCount);
    }

    [Fact]
    public void Nothing_to_combine_gives_no_bucket()
    {
        Assert.Null(MetricRollup.Combine(_node, MetricResolution.Hour, Eight, []));
        Assert.Null(MetricRollup.Combine(_node, MetricResolution.Hour, Eight, [Minute(_node, Eight, 50, 50, GiB, samples: 0)]));
    }

    [Fact]
    public void Memory_of_large_hosts_does_not_overflow_when_combined()
    {
        var huge = 12L << 40;
        var minutes = Enumerable.Range(0, 60).Select(m => Minute(_node, Eight.AddMinutes(m), 1, 1, huge, samples: 600, totalBytes: huge));

        Assert.Equal(huge, MetricRollup.Combine(_node, MetricResolution.Hour, Eight, minutes)!.MemoryUsedAverage);
    }

    [Fact]
    public void Regrouping_by_hour_puts_each_minute_in_its_hour_in_order_and_leaves_empty_hours_out()
    {
        MetricBucket[] minutes =
        [
            Minute(_node, Eight.AddHours(3).AddMinutes(59), 30, 30, GiB, 1),
            Minute(_node, Eight.AddMinutes(59), 10, 10, GiB, 1),
            Minute(_node, Eight, 20, 20, GiB, 1),
        ];

        var hours = MetricRollup.Regroup(_node, MetricResolution.Hour, minutes);

        Assert.Equal([Eight, Eight.AddHours(3)], hours.Select(h => h.Start));
        Assert.Equal([15d, 30d], hours.Select(h => h.CpuAverage));
    }

    [Fact]
    public void Two_rows_of_the_same_minute_become_one()
    {
        MetricBucket[] rows = [Minute(_node, Eight, 10, 10, GiB, 20), Minute(_node, Eight, 40, 50, GiB, 10)];

        var minute = Assert.Single(MetricRollup.Regroup(_node, MetricResolution.Minute, rows));

        Assert.Equal((20d, 50d, 30), (minute.CpuAverage, minute.CpuMax, minute.SampleCount));
    }

    [Theory]
    [InlineData("2026-11-23T08:59:59.9999999Z", "2026-11-23T08:59:00Z", "2026-11-23T08:00:00Z")]
    [InlineData("2026-11-23T09:00:00Z", "2026-11-23T09:00:00Z", "2026-11-23T09:00:00Z")]
    [InlineData("2026-11-23T10:30:15+02:00", "2026-11-23T08:30:00Z", "2026-11-23T08:00:00Z")]
    public void Buckets_start_at_whole_utc_minutes_and_hours(string instant, string minute, string hour)
    {
        var at = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(DateTimeOffset.Parse(minute, System.Globalization.CultureInfo.InvariantCulture), MetricTime.StartOfMinute(at));
        Assert.Equal(DateTimeOffset.Parse(hour, System.Globalization.CultureInfo.InvariantCulture), MetricTime.StartOfHour(at));
        Assert.Equal(TimeSpan.Zero, MetricTime.StartOfHour(at).Offset);
    }
}
