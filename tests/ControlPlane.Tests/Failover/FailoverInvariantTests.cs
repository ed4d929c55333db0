using Vigil.ControlPlane.Failover;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// Seeded random sequences of agent crashes, graceful stops and restarts, silent partitions and heals,
/// slow starts, stops that fail, services failing for good, control plane crashes and isolation edits,
/// against the real coordinator and registry and the agent's real role and supervision rules.
/// </summary>
public sealed class FailoverInvariantTests
{
    private const int Seeds = 100;

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
            transitions += world.Completed;
        }

        // The faults must have made the group move, or the test proves nothing.
        Assert.True(transitions > Seeds * 2, $"only {transitions} transitions completed over {Seeds} seeds");
    }

    [Fact]
    public void With_the_fast_profile_s_shorter_lease_allowance_and_heartbeat_there_are_still_never_two_actives_and_the_group_recovers()
    {
        var transitions = 0;
        for (var seed = 6000; seed < 6000 + Seeds; seed++)
        {
            var world = new FailoverWorld(seed, profile: FailoverProfile.Fast);
            world.Run(TimeSpan.FromMinutes(2), faultsPerSecond: 0.3);
            Assert.True(world.Violations.Count == 0, $"seed {seed}: {string.Join("; ", world.Violations.Take(5))}");

            world.Heal();
            world.Run(TimeSpan.FromSeconds(45));
            Assert.True(world.Violations.Count == 0, $"seed {seed} after healing: {string.Join("; ", world.Violations.Take(5))}");
            AssertOneActiveRuns(world, $"seed {seed}");
            transitions += world.Completed;
        }

        Assert.True(transitions > Seeds * 2, $"only {transitions} transitions completed over {Seeds} seeds");
    }

    [Fact]
    public void With_isolation_edits_among_the_faults_there_are_still_never_two_actives()
    {
        var transitions = 0;
        for (var seed = 3000; seed < 3000 + Seeds; seed++)
        {
            var world = new FailoverWorld(seed, isolation: IsolationPolicy.KeepRunning, policyEdits: true);
            world.Run(TimeSpan.FromMinutes(2), faultsPerSecond: 0.5);
            Assert.True(world.Violations.Count == 0, $"seed {seed}: {string.Join("; ", world.Violations.Take(5))}");
            transitions += world.Completed;
        }

        Assert.True(transitions > Seeds, $"only {transitions} transitions completed over {Seeds} seeds");
    }

    [Fact]
    public void With_standby_control_planes_that_take_over_after_each_crash_there_are_still_never_two_actives()
    {
        var transitions = 0;
        for (var seed = 5000; seed < 5000 + Seeds; seed++)
        {
            var world = new FailoverWorld(seed, standbys: true);
            world.Run(TimeSpan.FromMinutes(2), faultsPerSecond: 0.5);
            Assert.True(world.Violations.Count == 0, $"seed {seed}: {string.Join("; ", world.Violations.Take(5))}");
            transitions += world.Completed;
        }

        Assert.True(transitions > Seeds, $"only {transitions} transitions completed over {Seeds} seeds");
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
        var transitions = 0;
        for (var seed = 2000; seed < 2000 + Seeds; seed++)
        {
            var world = new FailoverWorld(seed, isolation: IsolationPolicy.KeepRunning);
            world.Run(TimeSpan.FromMinutes(2), faultsPerSecond: 0.3);
            Assert.True(world.Violations.Count == 0, $"seed {seed}: {string.Join("; ", world.Violations.Take(5))}");
            transitions += world.Completed;
        }

        Assert.True(transitions > Seeds, $"only {transitions} transitions completed over {Seeds} seeds");
    }

    [Theory]
    [InlineData(FailoverProfile.Standard)]
    [InlineData(FailoverProfile.Fast)]
    public void A_standby_takes_over_after_the_active_agent_dies_once_its_lease_has_surely_ended(FailoverProfile profile)
    {
        var world = new FailoverWorld(seed: 7, profile: profile);
        world.Run(TimeSpan.FromSeconds(15));
        var active = AssertOneActiveRuns(world, "before");

        active.Kill();
        var killedAt = world.Now;
        while (world.ServicesUp == 0 && world.Now - killedAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
        }

        var takeover = world.Now - killedAt;
        Assert.Empty(world.Violations);
        Assert.NotSame(active, world.Agents.Single(a => a.ServiceUp));
        // Not before the lease (Standard 3 s, Fast 1.5 s) has surely ended (+ the allowance, 1 s or 0.5 s) after the
        // last renewal (at most one heartbeat interval before the kill) ...
        var surelyEnded = world.Settings.Lease + world.Settings.FenceAllowance;
        Assert.True(takeover >= surelyEnded - world.HeartbeatInterval, $"took over after {takeover}");
        // ... and not much later.
        Assert.True(takeover <= surelyEnded + TimeSpan.FromSeconds(2), $"took over after {takeover}");
    }

    [Theory]
    [InlineData(FailoverProfile.Standard)]
    [InlineData(FailoverProfile.Fast)]
    public void A_cut_off_active_fences_itself_before_the_standby_starts(FailoverProfile profile)
    {
        var world = new FailoverWorld(seed: 11, profile: profile);
        world.Run(TimeSpan.FromSeconds(15));
        var active = AssertOneActiveRuns(world, "before");

        active.Partitioned = true;
        var cutAt = world.Now;
        TimeSpan? fencedAt = null;
        while (world.Agents.All(a => a == active || !a.ServiceUp) && world.Now - cutAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
            fencedAt ??= active.ServiceUp ? null : world.Now;
        }

        Assert.Empty(world.Violations);
        Assert.True(active.Alive && !active.ServiceUp, "the cut-off agent stopped its service by itself");
        Assert.NotNull(fencedAt);
        // Within the lease, counted from the last heartbeat's send before the cut, and the kill at half the allowance.
        Assert.True(fencedAt <= cutAt + world.Settings.Lease + world.Settings.FenceAllowance / 2, $"fenced {fencedAt - cutAt} after the cut");
    }

    [Fact]
    public void An_active_edited_from_KeepRunning_to_Stop_then_cut_off_fences_itself_before_the_standby_starts()
    {
        var world = new FailoverWorld(seed: 13, isolation: IsolationPolicy.KeepRunning);
        world.Run(TimeSpan.FromSeconds(15));
        var active = AssertOneActiveRuns(world, "before");

        world.EditIsolation(IsolationPolicy.Stop);
        world.Run(TimeSpan.FromSeconds(2));
        active.Partitioned = true;
        var cutAt = world.Now;
        while (world.Agents.All(a => a == active || !a.ServiceUp) && world.Now - cutAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
        }

        Assert.Empty(world.Violations);
        Assert.False(active.ServiceUp, "the cut-off active lives by the edited isolation and stopped its service");
        Assert.Equal(1, world.ServicesUp);
    }

    [Fact]
    public void A_gracefully_stopping_agent_fences_its_active_service_before_it_says_goodbye()
    {
        var world = new FailoverWorld(seed: 17);
        world.Run(TimeSpan.FromSeconds(15));
        var active = AssertOneActiveRuns(world, "before");
        active.Process.Stubborn = true;

        active.BeginStopping(world.Now);
        var stoppedAt = world.Now;
        while (world.Agents.All(a => a == active || !a.ServiceUp) && world.Now - stoppedAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
        }

        Assert.Empty(world.Violations);
        Assert.False(active.Alive);
        Assert.Equal(1, world.ServicesUp);
        // The role moves without waiting for the lease: the stopping agent reported its service down without one.
        Assert.True(world.Now - stoppedAt < TimeSpan.FromSeconds(3), $"took {world.Now - stoppedAt}");
    }

    [Fact]
    public void A_planned_restart_of_the_control_plane_longer_than_the_lease_stops_no_service()
    {
        var world = new FailoverWorld(seed: 19);
        world.Run(TimeSpan.FromSeconds(15));
        var active = AssertOneActiveRuns(world, "before");

        world.RestartControlPlaneOnPurpose(downFor: TimeSpan.FromSeconds(20));
        var restartedAt = world.Now;
        while (world.Now - restartedAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
            Assert.True(active.ServiceUp, $"the active member's service stopped {world.Now - restartedAt} into the restart");
        }

        Assert.Empty(world.Violations);
        Assert.Equal(1, world.ServicesUp);
    }

    [Fact]
    public void After_a_planned_restart_a_cut_off_active_is_replaced_only_once_its_long_lease_has_surely_ended()
    {
        var world = new FailoverWorld(seed: 23);
        world.Run(TimeSpan.FromSeconds(15));
        var active = AssertOneActiveRuns(world, "before");

        world.RestartControlPlaneOnPurpose(downFor: TimeSpan.FromSeconds(5));
        active.Partitioned = true;
        var cutAt = world.Now;
        while (world.Agents.All(a => a == active || !a.ServiceUp) && world.Now - cutAt < TimeSpan.FromSeconds(120))
        {
            world.StepOnce();
        }

        Assert.Empty(world.Violations);
        Assert.False(active.ServiceUp, "the cut-off active stopped its service when its long lease ended");
        Assert.Equal(1, world.ServicesUp);
        Assert.True(world.Now - cutAt >= FailoverWorld.Options.PlannedRestartLease, $"another member took over {world.Now - cutAt} after the cut");
    }

    [Fact]
    public void A_long_lease_from_a_planned_restart_is_still_waited_for_when_the_control_plane_starts_again_after_the_failover_began()
    {
        var world = new FailoverWorld(seed: 29);
        world.Run(TimeSpan.FromSeconds(15));
        var active = AssertOneActiveRuns(world, "before");

        world.RestartControlPlaneOnPurpose(downFor: TimeSpan.FromSeconds(2));
        active.Partitioned = true;
        var epoch = world.Store.Epoch;
        var cutAt = world.Now;
        world.StepWhile(() => world.Store.Epoch == epoch, TimeSpan.FromSeconds(30));

        // The failover to another member has begun and waits for the cut-off member's long lease; the control plane restarts again.
        Assert.NotEqual(epoch, world.Store.Epoch);
        world.RestartControlPlaneOnPurpose(downFor: TimeSpan.FromSeconds(2));
        world.StepWhile(() => world.Agents.All(a => a == active || !a.ServiceUp), TimeSpan.FromSeconds(110));

        Assert.True(world.Violations.Count == 0, string.Join("; ", world.Violations.Take(3)));
        Assert.False(active.ServiceUp, "the cut-off active stopped its service when its long lease ended");
        Assert.True(world.Now - cutAt >= FailoverWorld.Options.PlannedRestartLease, $"another member took over {world.Now - cutAt} after the cut");
    }

    [Fact]
    public void A_service_that_fails_for_good_moves_to_a_standby_within_a_few_seconds()
    {
        var world = new FailoverWorld(seed: 3);
        world.Run(TimeSpan.FromSeconds(15));
        var active = AssertOneActiveRuns(world, "before");

        active.Process.Broken = true;
        var brokenAt = world.Now;
        while (world.Agents.All(a => a == active || !a.ServiceUp) && world.Now - brokenAt < TimeSpan.FromSeconds(30))
        {
            world.StepOnce();
        }

        Assert.Empty(world.Violations);
        Assert.DoesNotContain(world.Store.Records, r => r.Overlap);
        Assert.True(world.Now - brokenAt <= TimeSpan.FromSeconds(5), $"took {world.Now - brokenAt}");
    }

    [Fact]
    public void Switchovers_in_a_row_never_overlap_an_older_confirmation_never_releasing_a_member_activated_since()
    {
        for (var seed = 40; seed < 50; seed++)
        {
            var world = new FailoverWorld(seed);
            world.Run(TimeSpan.FromSeconds(15));
            for (var round = 1; round <= 6; round++)
            {
                // Each member taken over was a standby that confirmed a Deactivate at an earlier epoch.
                var active = AssertOneActiveRuns(world, $"seed {seed}, before switchover {round}");
                world.Coordinator!.RequestSwitchover(world.GroupId, new SwitchoverRequest(null, "switchover asked for by an operator"));
                var askedAt = world.Now;
                while (world.Agents.All(a => a == active || !a.ServiceUp) && world.Now - askedAt < TimeSpan.FromSeconds(30))
                {
                    world.StepOnce();
                }

                Assert.True(world.Violations.Count == 0, $"seed {seed}, switchover {round}: {string.Join("; ", world.Violations.Take(5))}");
                // Nothing overlapped, so the history must not say so (the old member's last report, older than its confirmation, still shows the role).
                Assert.DoesNotContain(world.Store.Records, r => r.Overlap);
                // Within the old member's stop (one that fails takes 2 s, then a kill) and a few messages, never waiting for its lease.
                Assert.True(world.Now - askedAt < TimeSpan.FromSeconds(4.5), $"seed {seed}, switchover {round} took {world.Now - askedAt}");
                world.Run(TimeSpan.FromSeconds(3));
            }
        }
    }

    private static SimulatedAgent AssertOneActiveRuns(FailoverWorld world, string when)
    {
        var up = world.Agents.Where(a => a.ServiceUp).ToList();
        Assert.True(up.Count == 1, $"{when}: {up.Count} services up; epoch {world.Store.Epoch}, status {(world.Coordinator?.Views() is [var view, ..] ? view.Status : "no control plane")}");
        Assert.Equal(world.Store.ActiveMemberId, up[0].MemberId);
        return up[0];
    }
}
