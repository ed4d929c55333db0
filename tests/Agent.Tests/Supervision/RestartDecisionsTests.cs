using Vigil.Agent.Supervision.Policy;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision;

public sealed class RestartDecisionsTests
{
    private const double NoJitter = 0.5;
    private static readonly RestartPolicy Defaults = new();

    [Fact]
    public void Defaults_follow_the_architecture_1s_doubling_to_60s_20_percent_jitter_5_in_10_minutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), Defaults.InitialDelay);
        Assert.Equal(2, Defaults.Multiplier);
        Assert.Equal(TimeSpan.FromSeconds(60), Defaults.MaxDelay);
        Assert.Equal(0.2, Defaults.Jitter);
        Assert.Equal(5, Defaults.MaxRestarts);
        Assert.Equal(TimeSpan.FromMinutes(10), Defaults.Window);
    }

    [Fact]
    public void Fast_failures_in_a_row_double_the_delay_up_to_the_maximum()
    {
        var policy = Defaults with { MaxRestarts = 100 };
        var history = RestartHistory.Empty;
        var delays = new List<double>();
        var now = TimeSpan.Zero;
        for (var i = 0; i < 9; i++)
        {
            var (decision, next) = RestartDecisions.OnFailure(policy, history, now, ranFor: TimeSpan.FromSeconds(1), NoJitter);
            var restart = Assert.IsType<RestartDecision.Restart>(decision);
            delays.Add(restart.Delay.TotalSeconds);
            history = next;
            now += restart.Delay + TimeSpan.FromSeconds(1);
        }

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
    }

    [Fact]
    public void A_run_longer_than_the_fast_fail_time_restarts_after_the_initial_delay_again()
    {
        var history = RestartHistory.Empty;
        for (var i = 0; i < 3; i++)
        {
            history = RestartDecisions.OnFailure(Defaults, history, TimeSpan.FromSeconds(i * 10), TimeSpan.FromSeconds(1), NoJitter).History;
        }

        var (decision, after) = RestartDecisions.OnFailure(Defaults, history, TimeSpan.FromSeconds(100), ranFor: TimeSpan.FromSeconds(30), NoJitter);

        Assert.Equal(TimeSpan.FromSeconds(1), Assert.IsType<RestartDecision.Restart>(decision).Delay);
        Assert.Equal(0, after.FastFailures);
    }

    [Fact]
    public void The_sixth_failure_within_ten_minutes_gives_up()
    {
        var history = RestartHistory.Empty;
        for (var i = 0; i < 5; i++)
        {
            var (decision, next) = RestartDecisions.OnFailure(Defaults, history, TimeSpan.FromMinutes(i), TimeSpan.FromMinutes(1), NoJitter);
            Assert.Equal(i + 1, Assert.IsType<RestartDecision.Restart>(decision).Count);
            history = next;
        }

        var (last, _) = RestartDecisions.OnFailure(Defaults, history, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), NoJitter);

        var giveUp = Assert.IsType<RestartDecision.GiveUp>(last);
        Assert.Equal("gave up after 5 restarts within 10 min", giveUp.Reason);
    }

    [Fact]
    public void Restarts_older_than_the_window_no_longer_count()
    {
        var history = RestartHistory.Empty;
        for (var i = 0; i < 5; i++)
        {
            history = RestartDecisions.OnFailure(Defaults, history, TimeSpan.FromMinutes(i), TimeSpan.FromMinutes(1), NoJitter).History;
        }

        var (decision, after) = RestartDecisions.OnFailure(Defaults, history, TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), NoJitter);

        Assert.Equal(5, Assert.IsType<RestartDecision.Restart>(decision).Count);
        Assert.Equal(5, after.Restarts.Count);
    }

    [Fact]
    public void A_budget_of_zero_gives_up_at_the_first_failure()
    {
        var (decision, _) = RestartDecisions.OnFailure(Defaults with { MaxRestarts = 0 }, RestartHistory.Empty, TimeSpan.Zero, TimeSpan.Zero, NoJitter);

        Assert.IsType<RestartDecision.GiveUp>(decision);
    }

    [Fact]
    public void With_restarts_off_the_service_is_left_alone()
    {
        var (decision, history) = RestartDecisions.OnFailure(Defaults with { Enabled = false }, RestartHistory.Empty, TimeSpan.Zero, TimeSpan.Zero, NoJitter);

        Assert.IsType<RestartDecision.Leave>(decision);
        Assert.Empty(history.Restarts);
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.999999, 1.2)]
    public void Jitter_moves_each_delay_by_at_most_its_fraction(double random, double factor)
    {
        var delay = RestartDecisions.DelayFor(Defaults, step: 3, random);

        Assert.Equal(8 * factor, delay.TotalSeconds, precision: 4);
    }

    [Fact]
    public void Healthy_long_enough_forgets_the_restarts()
    {
        var history = RestartDecisions.OnFailure(Defaults, RestartHistory.Empty, TimeSpan.Zero, TimeSpan.Zero, NoJitter).History;

        Assert.Same(history, RestartDecisions.OnHealthy(Defaults, history, TimeSpan.FromMinutes(9)));
        Assert.Same(RestartHistory.Empty, RestartDecisions.OnHealthy(Defaults, history, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void Service_overrides_replace_only_the_values_they_set()
    {
        var agentDefaults = new RestartSettings { MaxRestarts = 7, InitialDelay = TimeSpan.FromSeconds(2) };
        var service = new RestartSettings { MaxRestarts = 1 };

        var policy = RestartPolicy.Resolve(agentDefaults, service);

        Assert.Equal(1, policy.MaxRestarts);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.InitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), policy.MaxDelay);
    }

    [Fact]
    public void A_service_initial_delay_beyond_the_default_max_delay_raises_the_max_to_it()
    {
        var agentDefaults = new RestartSettings { MaxDelay = TimeSpan.FromSeconds(30) };
        var service = new RestartSettings { InitialDelay = TimeSpan.FromMinutes(2) };

        var policy = RestartPolicy.Resolve(agentDefaults, service);

        Assert.Equal(TimeSpan.FromMinutes(2), policy.MaxDelay);
    }

    [Fact]
    public void Random_failure_sequences_never_exceed_the_budget_and_delays_stay_in_bounds()
    {
        // Seeded, so a failure here reproduces: any interleaving of failures and healthy spells must
        // keep restarts within MaxRestarts per window and every delay within its jittered bounds.
        var random = new Random(20261123);
        for (var trial = 0; trial < 200; trial++)
        {
            var policy = Defaults with { MaxRestarts = random.Next(0, 8), Window = TimeSpan.FromSeconds(random.Next(10, 600)) };
            var history = RestartHistory.Empty;
            var now = TimeSpan.Zero;
            var decided = new List<TimeSpan>();
            for (var step = 0; step < 60; step++)
            {
                now += TimeSpan.FromSeconds(random.Next(0, 120));
                if (random.NextDouble() < 0.2)
                {
                    history = RestartDecisions.OnHealthy(policy, history, TimeSpan.FromSeconds(random.Next(0, 1200)));
                    continue;
                }

                var (decision, next) = RestartDecisions.OnFailure(policy, history, now, TimeSpan.FromSeconds(random.Next(0, 30)), random.NextDouble());
                history = next;
                if (decision is RestartDecision.Restart restart)
                {
                    decided.Add(now);
                    Assert.InRange(restart.Delay, policy.InitialDelay * (1 - policy.Jitter), policy.MaxDelay * (1 + policy.Jitter));
                    Assert.True(history.CountWithin(policy.Window, now) <= policy.MaxRestarts, $"trial {trial} step {step}");
                }
            }
        }
    }
}
