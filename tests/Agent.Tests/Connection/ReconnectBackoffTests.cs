using Vigil.Agent.Configuration;
using Vigil.Agent.Connection;

namespace Vigil.Agent.Tests.Connection;

public sealed class ReconnectBackoffTests
{
    private static readonly ReconnectOptions Defaults = new();

    [Fact]
    public void Without_jitter_the_delay_doubles_from_the_initial_delay_up_to_the_maximum()
    {
        var backoff = new ReconnectBackoff(Defaults, () => 0.5);

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalMilliseconds).ToArray();

        Assert.Equal([500, 1000, 2000, 3000, 3000, 3000, 3000, 3000], delays);
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(1.0, 1.2)]
    [InlineData(0.25, 0.9)]
    public void Jitter_varies_each_delay_by_at_most_the_configured_fraction(double random, double factor)
    {
        var backoff = new ReconnectBackoff(Defaults, () => random);

        Assert.Equal(500 * factor, backoff.Next().TotalMilliseconds, precision: 6);
        Assert.Equal(1000 * factor, backoff.Next().TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Jittered_delays_stay_within_their_bounds_for_any_random_value()
    {
        var random = new Random(1234);
        var backoff = new ReconnectBackoff(Defaults, random.NextDouble);

        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var delay = backoff.Next().TotalMilliseconds;
            var expected = Math.Min(500 * Math.Pow(2, attempt), 3000);
            Assert.InRange(delay, expected * 0.8, expected * 1.2);
        }
    }

    [Fact]
    public void A_reset_starts_the_next_outage_from_the_initial_delay()
    {
        var backoff = new ReconnectBackoff(Defaults, () => 0.5);
        for (var i = 0; i < 10; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        Assert.Equal(TimeSpan.FromMilliseconds(500), backoff.Next());
    }

    [Fact]
    public void A_custom_multiplier_and_cap_are_honoured()
    {
        var options = new ReconnectOptions { InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 3, MaxDelay = TimeSpan.FromSeconds(20), Jitter = 0 };
        var backoff = new ReconnectBackoff(options, () => 0.9);

        var delays = Enumerable.Range(0, 5).Select(_ => backoff.Next().TotalSeconds).ToArray();

        Assert.Equal([1, 3, 9, 20, 20], delays);
    }
}
