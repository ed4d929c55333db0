using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Failover;

namespace Vigil.ControlPlane.Tests.Failover;

public sealed class FailoverProfileTests
{
    [Fact]
    public void Standard_is_a_lease_of_3_s_and_an_allowance_of_1_s_for_agents_that_heartbeat_every_second() =>
        Assert.Equal(
            new FailoverTimings(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            FailoverTimings.Of(FailoverProfile.Standard));

    [Fact]
    public void Fast_is_a_lease_of_1_5_s_and_an_allowance_of_0_5_s_for_agents_that_heartbeat_every_half_second() =>
        Assert.Equal(
            new FailoverTimings(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500)),
            FailoverTimings.Of(FailoverProfile.Fast));

    [Theory]
    [InlineData(FailoverProfile.Standard)]
    [InlineData(FailoverProfile.Fast)]
    public void Every_profile_passes_validation_and_its_agents_renew_their_lease_in_time(FailoverProfile profile)
    {
        var timings = FailoverTimings.Of(profile);
        var options = new FailoverOptions { Profile = profile };
        timings.ApplyTo(options);

        Assert.True(new FailoverOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(timings.AgentHeartbeatInterval <= FailoverOptionsValidator.HeartbeatIntervalMax(timings.Lease));
    }

    [Fact]
    public void Without_a_profile_the_control_plane_uses_the_standard_timings()
    {
        var options = Bind([]);

        Assert.Equal(FailoverProfile.Standard, options.Profile);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Lease);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FenceAllowance);
    }

    [Theory]
    [InlineData("Fast")]
    [InlineData("fast")]
    public void The_fast_profile_sets_the_lease_and_the_allowance(string profile)
    {
        var options = Bind(new() { ["Failover:Profile"] = profile });

        Assert.Equal(FailoverProfile.Fast, options.Profile);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.Lease);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.FenceAllowance);
    }

    [Fact]
    public void A_setting_given_on_its_own_overrides_the_profile_and_the_others_keep_the_profile_s_values()
    {
        var options = Bind(new() { ["Failover:Profile"] = "Fast", ["Failover:FenceAllowance"] = "00:00:00.800" });

        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.Lease);
        Assert.Equal(TimeSpan.FromMilliseconds(800), options.FenceAllowance);
    }

    [Fact]
    public void A_lease_given_on_its_own_overrides_the_standard_profile_too()
    {
        var options = Bind(new() { ["Failover:Profile"] = "Standard", ["Failover:Lease"] = "00:00:05" });

        Assert.Equal(TimeSpan.FromSeconds(5), options.Lease);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FenceAllowance);
    }

    [Fact]
    public void An_unknown_profile_is_refused_naming_the_setting()
    {
        var error = Assert.ThrowsAny<Exception>(() => Bind(new() { ["Failover:Profile"] = "Fastest" }));

        Assert.Contains("Failover:Profile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_given_as_a_number_that_names_none_is_refused_naming_the_setting_and_the_profiles()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Failover:Profile"] = "7" }));

        Assert.Contains("Failover:Profile must be Standard or Fast", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_given_on_its_own_that_breaks_the_rules_is_refused_under_the_fast_profile_naming_it()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Failover:Profile"] = "Fast", ["Failover:FenceAllowance"] = "00:00:00.100" }));

        Assert.Contains("Failover:FenceAllowance", error.Message, StringComparison.Ordinal);
    }

    private static FailoverOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddFailoverOptions(configuration.GetSection(FailoverOptions.Section)).BuildServiceProvider();
        return services.GetRequiredService<IOptions<FailoverOptions>>().Value;
    }
}
