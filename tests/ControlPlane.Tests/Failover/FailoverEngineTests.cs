using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using static Vigil.ControlPlane.Failover.FailoverDecision;
using static Vigil.ControlPlane.Tests.Failover.EngineViews;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>The engine's decisions one by one, for the policies the random simulation does not vary.</summary>
public sealed class FailoverEngineTests
{
    [Fact]
    public void A_group_without_an_active_member_elects_the_best_priority_among_ready_members()
    {
        var group = Group(active: null, Standby(A, priority: 2), Standby(B, priority: 1), Standby(C, priority: 1) with { Health = ServiceHealth.Failed });

        Assert.Equal(new Begin(TransitionKind.Election, null, B, "the group has no active member"), Last(group));
    }

    [Fact]
    public void A_new_groups_elected_member_is_not_told_to_stand_by_before_it_is_activated_and_the_others_are()
    {
        var created = Group(active: null, Standby(A, priority: 1) with { Role = null, DeactivateSent = false, ServiceUp = true, Health = ServiceHealth.Healthy },
            Standby(B, priority: 2) with { Role = null, DeactivateSent = false });

        var decisions = FailoverEngine.Decide(created, Now);
        var electing = created with { Pending = Transition(to: A) with { Kind = TransitionKind.Election, FromMemberId = null } };

        Assert.Equal([new Deactivate(B), new Begin(TransitionKind.Election, null, A, "the group has no active member")], decisions);
        Assert.DoesNotContain(new Deactivate(A), FailoverEngine.Decide(electing, Now));
    }

    [Fact]
    public void A_failed_active_fails_over_to_the_ready_standby_with_the_best_priority_then_the_fewest_failures()
    {
        var group = Group(A, Active(A) with { Health = ServiceHealth.Failed, HealthReason = "gave up" },
            Standby(B, priority: 2) with { RecentFailures = 1 }, Standby(C, priority: 2));

        var begin = Assert.IsType<Begin>(Last(group));
        Assert.Equal((TransitionKind.Failover, A, C), (begin.Kind, begin.FromMemberId, begin.ToMemberId));
        Assert.Contains("gave up", begin.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_active_restarting_locally_is_left_alone()
    {
        var group = Group(A, Active(A) with { Health = ServiceHealth.Stopped, ServiceUp = false }, Standby(B));

        Assert.IsType<Wait>(Last(group));
    }

    [Fact]
    public void Standby_is_activated_only_after_the_lease_of_an_unreachable_active_has_surely_ended()
    {
        var lost = Active(A) with { Reachable = false, NodeDown = true, LeaseSurelyEndedAt = Now + TimeSpan.FromSeconds(2) };
        var group = Group(B, lost, Standby(B)) with { Pending = Transition(to: B) };

        Assert.Contains("lease surely ends in 2.0 s", Assert.IsType<Wait>(Last(group)).Status, StringComparison.Ordinal);
        Assert.Equal(new Activate(B), Last(group, Now + TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void A_member_that_may_still_live_by_keep_running_terms_is_never_given_up_on_at_its_lease_end()
    {
        // The group was edited KeepRunning -> Stop; the cut-off active last reported the older terms.
        var lost = Active(A) with { Reachable = false, NodeDown = true, HoldsStopTerms = false, LeaseSurelyEndedAt = Now - TimeSpan.FromSeconds(5) };
        var failing = Group(A, lost, Standby(B));
        var pending = Group(B, lost, Standby(B)) with { Pending = Transition(to: B) };

        Assert.Contains("older than the group's isolation Stop", Assert.IsType<Wait>(Last(failing)).Status, StringComparison.Ordinal);
        Assert.Contains("older terms", Assert.IsType<Wait>(Last(pending)).Status, StringComparison.Ordinal);
        Assert.IsType<Begin>(Last(failing with { Members = [lost with { HoldsStopTerms = true }, Standby(B)] }));
        Assert.Equal(new Activate(B), Last(pending with { Members = [lost with { ConfirmedDown = true }, Standby(B)] }));
    }

    [Fact]
    public void A_report_answered_with_a_lease_does_not_count_as_a_release()
    {
        // Right after its activation (or a restart) the active reports its service down and no lease yet; the reply renewed it.
        var justActivated = Active(A) with { Role = Role(epoch: 1, active: true), ServiceUp = false, LatestReportGranted = true, LeaseSurelyEndedAt = Now + TimeSpan.FromSeconds(4) };
        var group = Group(B, justActivated, Standby(B)) with { Pending = Transition(to: B) };

        Assert.IsType<Wait>(Last(group));
        Assert.Equal(new Activate(B), Last(group with { Members = [justActivated with { LatestReportGranted = false }, Standby(B)] }));
    }

    [Fact]
    public void An_active_whose_agent_has_not_reported_since_it_registered_is_not_activated_again()
    {
        // After a control-plane restart the agent registers before its first heartbeat says it holds the role.
        var registered = Active(A) with { Reported = false, Role = null };
        var group = Group(A, registered, Standby(B));

        Assert.IsType<Wait>(Last(group));
        Assert.Equal(new Activate(A), Last(group with { Members = [registered with { Reported = true }, Standby(B)] }));
    }

    [Fact]
    public void A_reachable_old_active_releases_the_role_by_reporting_its_service_down_without_a_lease()
    {
        var stopping = Active(A) with { Role = Role(epoch: 2, active: false), ServiceUp = true, LeaseSurelyEndedAt = Now + TimeSpan.FromSeconds(4) };
        var group = Group(B, stopping, Standby(B)) with { Epoch = 2, Pending = Transition(to: B, epoch: 2) };
        Assert.IsType<Wait>(Last(group));

        var stopped = group with { Members = [stopping with { ServiceUp = false }, Standby(B)] };
        Assert.Equal(new Activate(B), Last(stopped));
    }

    [Fact]
    public void With_isolation_KeepRunning_an_unreachable_active_is_replaced_only_after_an_operator_confirms_its_node_is_down()
    {
        var lost = Active(A) with { Reachable = false, NodeDown = true, LeaseSurelyEndedAt = Now - TimeSpan.FromMinutes(1) };
        var group = Group(A, lost, Standby(B)) with { Policy = new GroupPolicy { Isolation = IsolationPolicy.KeepRunning } };
        Assert.Contains("confirms node", Assert.IsType<Wait>(Last(group)).Status, StringComparison.Ordinal);

        var confirmed = group with { Members = [lost with { ConfirmedDown = true }, Standby(B)] };
        Assert.IsType<Begin>(Last(confirmed));

        // Under way, the lapsed lease alone does not release a KeepRunning member either.
        var underWay = group with { ActiveMemberId = B, Pending = Transition(to: B) };
        Assert.IsType<Wait>(Last(underWay));
    }

    [Fact]
    public void No_failover_during_the_cooldown_and_none_beyond_the_maximum_in_the_period()
    {
        var failed = Active(A) with { Health = ServiceHealth.Failed };
        var cooling = Group(A, failed, Standby(B)) with { LastTransitionAt = Now - TimeSpan.FromSeconds(30) };
        Assert.Contains("cooling down for 30.0 s", Assert.IsType<Wait>(Last(cooling)).Status, StringComparison.Ordinal);

        var limited = Group(A, failed, Standby(B)) with { RecentFailovers = [Now - TimeSpan.FromMinutes(50), Now - TimeSpan.FromMinutes(20), Now - TimeSpan.FromMinutes(5)] };
        var halted = Assert.IsType<Wait>(Last(limited));
        Assert.True(halted.Halted);
        Assert.Contains("3 failovers", halted.Status, StringComparison.Ordinal);

        var older = limited with { RecentFailovers = [Now - TimeSpan.FromMinutes(61), Now - TimeSpan.FromMinutes(20), Now - TimeSpan.FromMinutes(5)] };
        Assert.IsType<Begin>(Last(older));
    }

    [Fact]
    public void A_switchover_goes_to_the_requested_member_or_the_best_standby_and_never_to_one_that_is_not_ready()
    {
        var group = Group(A, Active(A), Standby(B, priority: 5), Standby(C, priority: 9));
        Assert.Equal(new Begin(TransitionKind.Switchover, A, C, "op"), Last(group with { Switchover = new SwitchoverRequest(C, "op") }));
        Assert.Equal(new Begin(TransitionKind.Switchover, A, B, "op"), Last(group with { Switchover = new SwitchoverRequest(null, "op") }));

        var unready = Group(A, Active(A), Standby(B) with { Reachable = false });
        Assert.IsType<Wait>(Last(unready with { Switchover = new SwitchoverRequest(B, "op") }));
    }

    [Fact]
    public void Automatic_failback_returns_to_the_preferred_member_after_it_was_ready_long_enough_and_only_inside_its_window()
    {
        var policy = new GroupPolicy { Failback = FailbackMode.Automatic, FailbackAfter = TimeSpan.FromMinutes(5), FailbackWindowStartHour = 22, FailbackWindowEndHour = 6 };
        var preferred = Standby(A, priority: 1) with { EligibleSince = Now - TimeSpan.FromMinutes(6) };
        var group = Group(B, preferred, Active(B) with { Priority = 2 }) with { Policy = policy, HourOfDay = 23 };
        Assert.Equal(TransitionKind.Failback, Assert.IsType<Begin>(Last(group)).Kind);

        Assert.IsType<Wait>(Last(group with { HourOfDay = 12 }));
        Assert.IsType<Wait>(Last(group with { Members = [preferred with { EligibleSince = Now - TimeSpan.FromMinutes(4) }, Active(B) with { Priority = 2 }] }));
        Assert.IsType<Wait>(Last(group with { Policy = policy with { Failback = FailbackMode.Manual } }));
    }

    [Fact]
    public void Members_that_do_not_stand_by_at_the_current_epoch_are_told_to_once()
    {
        var group = Group(A, Active(A), Standby(B) with { Role = Role(epoch: 0, active: false), DeactivateSent = false }, Standby(C) with { Role = null, DeactivateSent = false });
        var deactivations = FailoverEngine.Decide(group, Now).OfType<Deactivate>().Select(d => d.MemberId).ToList();
        Assert.Equal([B, C], deactivations);

        var told = group with { Members = [Active(A), Standby(B) with { Role = Role(0, false), DeactivateSent = true }, Standby(C) with { Role = null, DeactivateSent = true }] };
        Assert.Empty(FailoverEngine.Decide(told, Now).OfType<Deactivate>());
    }

    [Fact]
    public void A_transition_ends_when_the_new_active_confirms_or_is_abandoned_when_its_activation_fails()
    {
        var group = Group(B, Standby(A), Standby(B)) with { Pending = Transition(to: B) with { ActivateSent = true } };
        Assert.IsType<Wait>(Last(group));
        Assert.Equal(new Confirm(B), Last(group with { Pending = group.Pending! with { Confirmed = true } }));
        Assert.Equal(new Abandon(B, "hook failed"), Last(group with { Pending = group.Pending! with { ActivationFailure = "hook failed" } }));
    }

    [Fact]
    public void A_member_in_maintenance_is_never_chosen_by_an_election_a_failover_a_switchover_or_a_failback()
    {
        var away = Standby(A) with { Health = ServiceHealth.Healthy, InMaintenance = true };
        var failed = Active(C) with { Health = ServiceHealth.Failed, HealthReason = "gave up" };
        var failback = Group(C, Active(C) with { Priority = 2 }, away with { EligibleSince = Now - TimeSpan.FromHours(1) }) with
        {
            Policy = new GroupPolicy { Failback = FailbackMode.Automatic },
        };

        Assert.Equal(new Begin(TransitionKind.Election, null, B, "the group has no active member"), Last(Group(null, away, Standby(B, priority: 2))));
        Assert.IsType<Wait>(Last(Group(null, away)));
        Assert.Equal((TransitionKind.Failover, C, B), Began(Group(C, failed, away, Standby(B, priority: 2))));
        Assert.True(Assert.IsType<Wait>(Last(Group(C, Active(C), away) with { Switchover = new SwitchoverRequest(A, "op") })).DropsSwitchover);
        Assert.IsType<Wait>(Last(failback));
        Assert.IsType<Begin>(Last(failback with { Members = [Active(C) with { Priority = 2 }, away with { InMaintenance = false, EligibleSince = Now - TimeSpan.FromHours(1) }] }));
    }

    [Fact]
    public void Draining_a_node_switches_its_active_member_over_to_the_best_standby_elsewhere()
    {
        var onA = Active(A) with { InMaintenance = true };
        var group = Group(A, onA, Standby(B, priority: 2), Standby(C, priority: 3));

        var drain = MaintenanceDrain.Plan(group.GroupId, group.Name, A, null, group.Members, nodeId: A);

        Assert.Equal((DrainOutcome.SwitchingOver, B, "node-b"), (drain!.Outcome, drain.ToMemberId, drain.ToNode));
        Assert.Equal((TransitionKind.Switchover, A, B), Began(group with { Switchover = new SwitchoverRequest(drain.ToMemberId, "maintenance") }));
    }

    [Fact]
    public void Draining_leaves_a_group_where_it_is_when_no_standby_is_eligible_or_a_transition_is_under_way_and_says_why()
    {
        var onA = Active(A) with { InMaintenance = true };
        var members = new[] { onA, Standby(B) with { Health = ServiceHealth.Unhealthy }, Standby(C) with { Reachable = false } };

        var none = MaintenanceDrain.Plan(Guid.NewGuid(), "orders", A, null, members, nodeId: A);
        var busy = MaintenanceDrain.Plan(Guid.NewGuid(), "orders", A, Transition(to: B), [onA, Standby(B)], nodeId: A);

        Assert.Equal(DrainOutcome.Stays, none!.Outcome);
        Assert.Contains("no standby can take the active role", none.Detail, StringComparison.Ordinal);
        Assert.Equal(DrainOutcome.Stays, busy!.Outcome);
        Assert.Contains("under way", busy.Detail, StringComparison.Ordinal);
        Assert.Null(MaintenanceDrain.Plan(Guid.NewGuid(), "orders", B, null, [Standby(A), Active(B)], nodeId: A));
    }

    private static (TransitionKind, Guid?, Guid) Began(GroupSnapshot group)
    {
        var begin = Assert.IsType<Begin>(Last(group));
        return (begin.Kind, begin.FromMemberId, begin.ToMemberId);
    }
}
