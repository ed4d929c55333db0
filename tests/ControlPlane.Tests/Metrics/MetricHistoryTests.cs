using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Metrics;
using static Vigil.ControlPlane.Tests.Metrics.Samples;

namespace Vigil.ControlPlane.Tests.Metrics;

public sealed class MetricHistoryTests
{
    private readonly Guid _node = Guid.NewGuid();

    [Theory]
    [InlineData(null, "1h")]
    [InlineData("1h", "1h")]
    [InlineData("6H", "6h")]
    [InlineData("24h", "24h")]
    [InlineData("7d", "7d")]
    [InlineData("30d", "30d")]
    public void Ranges_are_named_as_the_api_names_them(string? asked, string expected) =>
        Assert.Equal(expected, MetricRange.Parse(asked)?.Name);

    [Theory]
    [InlineData("")]
    [InlineData("2h")]
    [InlineData("1 hour")]
    [InlineData("90d")]
    public void Other_ranges_are_refused(string asked) => Assert.Null(MetricRange.Parse(asked));

    [Fact]
    public void Up_to_a_day_is_served_by_the_minute_and_beyond_by_the_hour()
    {
        Assert.All(new[] { MetricRange.OneHour, MetricRange.SixHours, MetricRange.OneDay }, r => Assert.Equal(MetricResolution.Minute, r.Resolution));
        Assert.All(new[] { MetricRange.SevenDays, MetricRange.ThirtyDays }, r => Assert.Equal(MetricResolution.Hour, r.Resolution));
    }

    [Fact]
    public void The_last_hour_holds_the_stored_minutes_of_the_hour_the_minute_not_stored_yet_and_the_open_minute()
    {
        var now = Eight.AddHours(2).AddSeconds(30);
        MetricBucket[] stored =
        [
            Minute(_node, Eight.AddMinutes(59), 99, 99, GiB, 60),
            Minute(_node, Eight.AddHours(1), 10, 10, GiB, 60),
            Minute(_node, Eight.AddHours(1).AddMinutes(58), 20, 20, GiB, 60),
        ];
        var notStoredYet = Minute(_node, Eight.AddHours(1).AddMinutes(59), 30, 30, GiB, 60);
        var open = Minute(_node, Eight.AddHours(2), 40, 40, GiB, 30);

        var history = MetricHistory.Assemble(_node, MetricRange.OneHour, now, stored, [], open, notStoredYet);

        Assert.Equal(Eight.AddHours(1), history.From);
        Assert.Equal([Eight.AddHours(1), Eight.AddHours(1).AddMinutes(58), Eight.AddHours(1).AddMinutes(59)], history.Points.Select(p => p.Start));
        Assert.Equal(open, history.Current);
    }

    [Fact]
    public void A_minute_already_stored_is_not_counted_twice()
    {
        var minute = Minute(_node, Eight, 10, 10, GiB, 60);

        var history = MetricHistory.Assemble(_node, MetricRange.OneHour, Eight.AddMinutes(1), [minute], [], null, minute);

        Assert.Equal(60, Assert.Single(history.Points).SampleCount);
        Assert.Null(history.Current);
    }

    [Fact]
    public void A_minute_stored_twice_is_served_as_one_point()
    {
        MetricBucket[] stored = [Minute(_node, Eight, 10, 10, GiB, 30), Minute(_node, Eight, 30, 30, GiB, 30)];

        var history = MetricHistory.Assemble(_node, MetricRange.OneHour, Eight.AddMinutes(5), stored, [], null, null);

        Assert.Equal(20, Assert.Single(history.Points).CpuAverage);
    }

    [Fact]
    public void Longer_ranges_serve_stored_hours_then_hours_combined_from_the_minutes_not_rolled_up_yet()
    {
        var now = Eight.AddHours(3).AddMinutes(1);
        MetricBucket[] hours =
        [
            new(_node, MetricResolution.Hour, Eight, 10, 50, GiB, 8 * GiB, 3600),
            new(_node, MetricResolution.Hour, Eight.AddHours(1), 20, 60, GiB, 8 * GiB, 3600),
        ];
        MetricBucket[] minutes =
        [
            Minute(_node, Eight.AddHours(1).AddMinutes(59), 99, 99, GiB, 60),
            Minute(_node, Eight.AddHours(2), 30, 30, GiB, 60),
            Minute(_node, Eight.AddHours(2).AddMinutes(1), 50, 70, GiB, 60),
            Minute(_node, Eight.AddHours(3), 80, 80, GiB, 60),
        ];

        var history = MetricHistory.Assemble(_node, MetricRange.SevenDays, now, minutes, hours, null, null);

        Assert.Equal([Eight, Eight.AddHours(1), Eight.AddHours(2), Eight.AddHours(3)], history.Points.Select(p => p.Start));
        Assert.Equal([10d, 20d, 40d, 80d], history.Points.Select(p => p.CpuAverage));
        Assert.All(history.Points, p => Assert.Equal(MetricResolution.Hour, p.Resolution));
        Assert.Equal(70, history.Points[2].CpuMax);
    }

    [Fact]
    public void Without_stored_hours_the_whole_range_is_combined_from_minutes()
    {
        MetricBucket[] minutes = [Minute(_node, Eight.AddMinutes(5), 10, 10, GiB, 60), Minute(_node, Eight.AddHours(1), 30, 30, GiB, 60)];

        var history = MetricHistory.Assemble(_node, MetricRange.ThirtyDays, Eight.AddHours(1).AddMinutes(2), minutes, [], null, null);

        Assert.Equal([Eight, Eight.AddHours(1)], history.Points.Select(p => p.Start));
    }

    [Fact]
    public void Buckets_before_the_range_are_left_out()
    {
        var now = Eight.AddDays(2);
        MetricBucket[] stored = [Minute(_node, now.AddHours(-25), 10, 10, GiB, 60), Minute(_node, now.AddHours(-23), 20, 20, GiB, 60)];

        var history = MetricHistory.Assemble(_node, MetricRange.OneDay, now, stored, [], null, null);

        Assert.Equal(20, Assert.Single(history.Points).CpuAverage);
        Assert.Equal(now.AddHours(-24), history.From);
    }

    [Fact]
    public void A_node_without_samples_has_an_empty_history()
    {
        var history = MetricHistory.Assemble(_node, MetricRange.SevenDays, Eight, [], [], null, null);

        Assert.Empty(history.Points);
        Assert.Null(history.Current);
    }
}
