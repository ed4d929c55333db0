using Vigil.ControlPlane.Failover;

namespace Vigil.ControlPlane.Tests.Failover;

public sealed class FailoverOptionsValidatorTests
{
    private readonly FailoverOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(_validator.Validate(null, new FailoverOptions()).Succeeded);

    [Theory]
    [InlineData(0)]
    [InlineData(199)]
    public void A_fence_allowance_under_200_ms_is_refused_naming_the_setting(int milliseconds)
    {
        var result = _validator.Validate(null, new FailoverOptions { FenceAllowance = TimeSpan.FromMilliseconds(milliseconds) });

        Assert.True(result.Failed);
        Assert.Contains("Failover:FenceAllowance", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fence_allowance_of_200_ms_is_accepted() =>
        Assert.True(_validator.Validate(null, new FailoverOptions { FenceAllowance = TimeSpan.FromMilliseconds(200) }).Succeeded);

    [Fact]
    public void The_longest_heartbeat_interval_is_half_the_lease() =>
        Assert.Equal(TimeSpan.FromMilliseconds(1500), FailoverOptionsValidator.HeartbeatIntervalMax(TimeSpan.FromSeconds(3)));
}
