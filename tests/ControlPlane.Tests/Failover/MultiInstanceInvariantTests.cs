namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// Seeded random faults in a world of several control-plane instances (the real decider election and
/// trust rule, relays with late and lost answers, kills, planned stops, database and Redis cuts,
/// skewed clocks) besides the agents' own faults, against the real coordinator and registry.
/// </summary>
public sealed class MultiInstanceInvariantTests
{
    private const int Seeds = 100;

    [Theory]
    [InlineData(2, 8000)]
    [InlineData(3, 9000)]
    public void Never_two_actives_whichever_instance_decides_and_the_group_recovers_once_everything_heals(int instances, int firstSeed) =>
        AssertSafeAndRecovering(instances, firstSeed, longLeasesAtPlannedStops: false);

    [Theory]
    [InlineData(2, 8000)]
    [InlineData(3, 9000)]
    public void With_long_leases_at_planned_stops_there_are_still_never_two_actives(int instances, int firstSeed) =>
        AssertSafeAndRecovering(instances, firstSeed, longLeasesAtPlannedStops: true);

    [Fact]
    public void A_member_that_gave_up_the_role_after_an_abandoned_activation_is_not_left_without_one() =>
        AssertSafeAndRecovering(instances: 3, firstSeed: 9140, longLeasesAtPlannedStops: false, seeds: 1);

    private static void AssertSafeAndRecovering(int instances, int firstSeed, bool longLeasesAtPlannedStops, int seeds = Seeds)
    {
        var takeovers = 0;
        var transitions = 0;
        for (var seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            var world = new MultiInstanceWorld(seed, instances, longLeasesAtPlannedStops: longLeasesAtPlannedStops);
            world.Run(TimeSpan.FromMinutes(2), faultsPerSecond: 0.4);
            Assert.True(world.Violations.Count == 0, $"seed {seed}: {string.Join("; ", world.Violations.Take(5))}");

            world.Heal();
            world.Run(TimeSpan.FromSeconds(90));
            Assert.True(world.Violations.Count == 0, $"seed {seed} after healing: {string.Join("; ", world.Violations.Take(5))}");
            var up = world.Agents.Where(a => a.ServiceUp).ToList();
            Assert.True(up.Count == 1, $"seed {seed}: {up.Count} services up after healing; epoch {world.Store.Epoch}, takeovers {world.Takeovers}");
            Assert.Equal(world.Store.ActiveMemberId, up[0].MemberId);
            takeovers += world.Takeovers;
            transitions += world.Completed;
        }

        // The faults must have moved the decider lease and the group, or the test proves nothing.
        Assert.True(takeovers > seeds * 3, $"only {takeovers} takeovers of the decider lease over {seeds} seeds");
        Assert.True(transitions >= seeds, $"only {transitions} transitions completed over {seeds} seeds");
    }
}
