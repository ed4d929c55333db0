using Vigil.ControlPlane.Metrics;

namespace Vigil.ControlPlane.Tests.Metrics;

public sealed class MetricsOptionsValidatorTests
{
    private readonly MetricsOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new MetricsOptions()).Succeeded);

    [Theory]
    [InlineData(nameof(MetricsOptions.MinuteRetention), "Metrics:MinuteRetention")]
    [InlineData(nameof(MetricsOptions.HourRetention), "Metrics:HourRetention")]
    [InlineData(nameof(MetricsOptions.FlushInterval), "Metrics:FlushInterval")]
    [InlineData(nameof(MetricsOptions.PruneInterval), "Metrics:PruneInterval")]
    public void A_zero_duration_is_refused_naming_the_setting(string property, string setting)
    {
        var options = new MetricsOptions();
        typeof(MetricsOptions).GetProperty(property)!.SetValue(options, TimeSpan.Zero);

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Hours_may_not_be_kept_for_less_time_than_minutes()
    {
        var result = _validator.Validate(null, new MetricsOptions { MinuteRetention = TimeSpan.FromDays(10), HourRetention = TimeSpan.FromDays(5) });

        Assert.Contains("Metrics:HourRetention", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tiny_pending_queue_is_refused()
    {
        var result = _validator.Validate(null, new MetricsOptions { MaxPendingMinutes = 10 });

        Assert.Contains("Metrics:MaxPendingMinutes", result.FailureMessage, StringComparison.Ordinal);
    }
}
