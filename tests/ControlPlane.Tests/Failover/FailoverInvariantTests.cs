using Vigil.ControlPlane.Failover;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// Seeded random sequences of agent crashes and restarts, partitions and heals, services failing for
/// good, and control plane crashes, against the real engine and the agent's real role rules.
/// </summary>
public sealed class FailoverInvariantTests
{
    private const int Seeds = 150;

    [Fact]
    public void Never_two_actives_and_epochs_only_grow_whatever_fails_and_the_group_recovers_once_everything_heals()
    {
        var transitions = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var world = new FailoverWorld(seed);
            world.Run(TimeSpan.FromMinutes(2), faultsPerSecond: 0.3);
            Assert.True(world.Violations.Count == 0, $"seed {seed}: {string.Join("; ", world.Violations.Take(5))}");

            world.Heal();
            world.Run(TimeSpan.FromSeconds(45));
            Assert.True(world.Violations.Count == 0, $"seed {seed} after healing: {string.Join("; ", world.Violations.Take(5))}");
            AssertOneActiveRuns(world, $"seed {seed}");
            transitions += world.ControlPlane.Completed;
        }

        // The faults must have made the group move, or the test proves nothing.
        Assert.True(transitions > Seeds * 2, $"only {transitions} transitions completed over {Seeds} seeds");
    }

    [Fact]
    public void With_a_slow_network_and_many_control_plane_crashes_there_are_still_never_two_actives()
    {
        for (var seed = 1000; seed < 1000 + Seeds; seed++)
        {
            var world = new FailoverWorld(seed, nodes: 2);
            world.Run(TimeSpan.FromMinutes(2), faultsPerSecond: 1.0);
            Assert.True(world.Violations.Count == 0, $"seed {seed}: {string.Join("; ", world.Violations.Take(5))}");
        }
    }

    [Fact]
    public void With_isolation_KeepRunning_an_unreachable_active_is_never_replaced_so_there_are_never_two_actives()
    {
        var policy = new GroupPolicy { Isolation = Vigil.Shared.Roles.IsolationPolicy.KeepRunning, Cooldown = TimeSpan.FromSeconds(5), MaxFailovers = 1000 };
        var transitions = 0;
        for (var seed = 2000; seed < 2000 + Seeds; seed++)
        {
            var world = new FailoverWorld(seed, policy: policy);
            world.Run(TimeSpan.FromMinutes(2), faultsPerSecond: 0.3);
            Assert.True(world.Violations.Count == 0, $"seed {seed}: {string.Join("; ", world.Violations.Take(5))}");
            transitions += world.ControlPlane.Completed;
        }

        Assert.True(transitions > Seeds, $"only {transitions} transitions completed over {Seeds} seeds");
    }

    [Fact]
    public void A_standby_takes_over_after_the_active_agent_dies_once_its_lease_has_surely_ended()
    {
        var world = new FailoverWorld(seed: 7);
        world.Run(TimeSpan.FromSeconds(10));
        var active = AssertOneActiveRuns(world, "before");

        active.Kill();
        var killedAt = world.Now;
        while (world.Running == 0 && world.Now - killedAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
        }

        var takeover = world.Now - killedAt;
        Assert.Empty(world.Violations);
        Assert.NotSame(active, world.Agents.Single(a => a.Running));
        // Not before the lease (3 s) has surely ended (+1 s allowance) after the last renewal (at most 1 s before the kill) ...
        Assert.True(takeover >= TimeSpan.FromSeconds(3), $"took over after {takeover}");
        // ... and not much later.
        Assert.True(takeover <= TimeSpan.FromSeconds(5.5), $"took over after {takeover}");
    }

    [Fact]
    public void A_cut_off_active_fences_itself_before_the_standby_starts()
    {
        var world = new FailoverWorld(seed: 11);
        world.Run(TimeSpan.FromSeconds(10));
        var active = AssertOneActiveRuns(world, "before");

        active.Partitioned = true;
        var cutAt = world.Now;
        TimeSpan? fencedAt = null;
        while (world.Agents.All(a => a == active || !a.Running) && world.Now - cutAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
            fencedAt ??= active.Running ? null : world.Now;
        }

        Assert.Empty(world.Violations);
        Assert.True(active.Alive && !active.Running, "the cut-off agent stopped its service by itself");
        Assert.NotNull(fencedAt);
        Assert.True(fencedAt <= cutAt + TimeSpan.FromSeconds(3.5), $"fenced {fencedAt - cutAt} after the cut");
    }

    [Fact]
    public void A_service_that_fails_for_good_moves_to_a_standby_within_a_second_or_two()
    {
        var world = new FailoverWorld(seed: 3);
        world.Run(TimeSpan.FromSeconds(10));
        var active = AssertOneActiveRuns(world, "before");

        active.Broken = true;
        var brokenAt = world.Now;
        while (world.Agents.All(a => a == active || !a.Running) && world.Now - brokenAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
        }

        Assert.Empty(world.Violations);
        Assert.True(world.Now - brokenAt <= TimeSpan.FromSeconds(3), $"took {world.Now - brokenAt}");
    }

    private static SimulatedAgent AssertOneActiveRuns(FailoverWorld world, string when)
    {
        var running = world.Agents.Where(a => a.Running).ToList();
        Assert.True(running.Count == 1, $"{when}: {running.Count} services run; control plane epoch {world.ControlPlane.Epoch}, pending {world.ControlPlane.Pending}");
        Assert.Equal(world.ControlPlane.ActiveMemberId, running[0].MemberId);
        return running[0];
    }
}
