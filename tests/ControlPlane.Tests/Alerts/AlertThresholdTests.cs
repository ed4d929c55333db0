using Vigil.ControlPlane.Alerts;
using static Vigil.ControlPlane.Tests.Alerts.AlertWorld;

namespace Vigil.ControlPlane.Tests.Alerts;

public sealed class AlertThresholdTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_threshold_fires_only_after_the_metric_stayed_above_it_for_the_hold()
    {
        var world = new AlertWorld(Threshold(AlertMetric.HostCpuPercent, ThresholdComparison.Above, 90, TimeSpan.FromMinutes(5)));

        for (var i = 0; i < 299; i++)
        {
            world.Reads(AlertMetric.HostCpuPercent, NodeWeb1, 95);
            world.Pass(Second);
        }

        Assert.Empty(world.Open);
        world.Reads(AlertMetric.HostCpuPercent, NodeWeb1, 97.5);
        world.Pass(Second);

        var alert = world.Single;
        Assert.Equal("HostCpuPercent of node web-1 is 95 (threshold: above 90)", alert.Summary);
        Assert.Single(world.Take());
    }

    [Fact]
    public void One_reading_under_the_threshold_restarts_the_hold()
    {
        var world = new AlertWorld(Threshold(AlertMetric.HostCpuPercent, ThresholdComparison.Above, 90, TimeSpan.FromMinutes(5)));
        world.Reads(AlertMetric.HostCpuPercent, NodeWeb1, 95);
        world.Pass(TimeSpan.FromMinutes(4));

        world.Reads(AlertMetric.HostCpuPercent, NodeWeb1, 50);
        world.Reads(AlertMetric.HostCpuPercent, NodeWeb1, 95);
        world.Pass(TimeSpan.FromMinutes(4));

        Assert.Empty(world.Open);
        world.Pass(TimeSpan.FromMinutes(1));
        Assert.Single(world.Open);
    }

    [Fact]
    public void A_reading_back_under_the_threshold_resolves_the_alert()
    {
        var world = new AlertWorld(Threshold(AlertMetric.HostMemoryUsedPercent, ThresholdComparison.Above, 90, TimeSpan.Zero));
        world.Reads(AlertMetric.HostMemoryUsedPercent, NodeWeb1, 91);
        world.Take();

        world.Reads(AlertMetric.HostMemoryUsedPercent, NodeWeb1, 90);

        var resolved = Assert.Single(world.Take());
        Assert.Equal(NotificationKind.Resolved, resolved.Kind);
        Assert.Equal("HostMemoryUsedPercent of node web-1 is 90 (threshold: above 90)", resolved.Alert.Resolution);
    }

    [Fact]
    public void Free_disk_below_its_threshold_fires_per_volume()
    {
        var world = new AlertWorld(Threshold(AlertMetric.VolumeFreePercent, ThresholdComparison.Below, 10, TimeSpan.Zero));
        var c = AlertTarget.VolumeOn(Guid.NewGuid(), "web-1", "C:");
        var d = c with { Key = c.Key.Replace("C:", "D:", StringComparison.Ordinal), Volume = "D:" };

        world.Reads(AlertMetric.VolumeFreePercent, c, 4);
        world.Reads(AlertMetric.VolumeFreePercent, d, 40);

        Assert.Equal("volume C: on node web-1", world.Single.Target.Describe());
    }

    [Fact]
    public void A_rule_on_one_metric_ignores_the_others()
    {
        var world = new AlertWorld(Threshold(AlertMetric.ServiceHandles, ThresholdComparison.Above, 10_000, TimeSpan.Zero));

        world.Reads(AlertMetric.ServiceThreads, ApiOnWeb1, 50_000);

        Assert.Empty(world.Open);
    }

    [Fact]
    public void Growth_over_a_window_fires_when_the_working_set_keeps_growing_like_a_leak()
    {
        var world = new AlertWorld(WorkingSetGrowth(100_000_000, TimeSpan.FromHours(1)));

        for (var minute = 0; minute < 60; minute++)
        {
            world.Reads(AlertMetric.ServiceWorkingSetBytes, ApiOnWeb1, 200_000_000 + (minute * 2_000_000));
            world.Pass(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(world.Open);
        world.Reads(AlertMetric.ServiceWorkingSetBytes, ApiOnWeb1, 320_000_000);

        Assert.Contains("grew by 120000000 to 320000000", world.Single.Summary, StringComparison.Ordinal);
        Assert.True(world.Book.Trails.Values.Single().Count <= 62);
    }

    [Fact]
    public void Growth_is_not_judged_before_a_whole_window_of_readings()
    {
        var world = new AlertWorld(WorkingSetGrowth(1_000, TimeSpan.FromHours(1)));

        world.Reads(AlertMetric.ServiceWorkingSetBytes, ApiOnWeb1, 1);
        world.Pass(TimeSpan.FromMinutes(59));
        world.Reads(AlertMetric.ServiceWorkingSetBytes, ApiOnWeb1, 1_000_000);

        Assert.Empty(world.Open);
    }

    [Fact]
    public void A_steady_working_set_after_growth_resolves_the_leak_alert()
    {
        var world = new AlertWorld(WorkingSetGrowth(1_000, TimeSpan.FromMinutes(10)));
        world.Reads(AlertMetric.ServiceWorkingSetBytes, ApiOnWeb1, 1_000);
        world.Pass(TimeSpan.FromMinutes(10));
        world.Reads(AlertMetric.ServiceWorkingSetBytes, ApiOnWeb1, 5_000);
        Assert.Single(world.Open);

        world.Pass(TimeSpan.FromMinutes(10));
        world.Reads(AlertMetric.ServiceWorkingSetBytes, ApiOnWeb1, 5_000);

        Assert.Empty(world.Open);
    }
}
