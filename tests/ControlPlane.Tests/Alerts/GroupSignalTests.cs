using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>What the failover engine's decisions, a drill's end and an agent's enrolment raise to alert rules, with the real engine deciding.</summary>
public sealed class GroupSignalTests
{
    private static readonly TimeSpan Clock = TimeSpan.FromMinutes(10);
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Fact]
    public void A_group_that_reached_its_failover_limit_is_halted_until_its_active_recovers()
    {
        var failed = Active(A) with { Health = ServiceHealth.Failed, HealthReason = "gave up" };
        var limited = Group(A, failed, Standby(B)) with { RecentFailovers = [Clock - TimeSpan.FromMinutes(50), Clock - TimeSpan.FromMinutes(20), Clock - TimeSpan.FromMinutes(5)] };
        var recovered = limited with { Members = [Active(A), Standby(B)] };

        var halted = Conditions(limited);
        var resumed = Conditions(recovered);
        var raised = GroupSignals.Changes(null, halted, limited.GroupId, "orders", Now);
        var cleared = GroupSignals.Changes(halted, resumed, limited.GroupId, "orders", Now);

        Assert.Equal(["GroupHalted:True", "GroupWithoutActive:False"], raised.Select(Label));
        Assert.Contains("automatic failover stopped", Held(raised[0]).Summary, StringComparison.Ordinal);
        Assert.Equal("group orders", raised[0].Target.Describe());
        Assert.Equal(["GroupHalted:False"], cleared.Select(Label));
        Assert.Empty(GroupSignals.Changes(resumed, Conditions(recovered), limited.GroupId, "orders", Now));
    }

    [Fact]
    public void A_group_without_an_active_member_that_cannot_elect_one_holds_until_an_election_begins()
    {
        var none = Group(null, Standby(A) with { Health = ServiceHealth.Failed }, Standby(B) with { Reachable = false, NodeDown = true });
        var ready = none with { Members = [Standby(A), none.Members[1]] };
        var electing = ready with { Pending = new PendingTransition { Kind = TransitionKind.Election, Epoch = 2, ToMemberId = A } };
        var activeDown = Group(A, Active(A) with { Reachable = false, NodeDown = true }, Standby(B)) with { Policy = new GroupPolicy { Isolation = IsolationPolicy.KeepRunning } };

        Assert.Equal((false, true), Pair(Conditions(none)));
        Assert.Equal((false, false), Pair(Conditions(ready)));
        Assert.Equal((false, false), Pair(Conditions(electing)));
        Assert.Equal((false, true), Pair(Conditions(activeDown)));
        var raised = GroupSignals.Changes(new GroupConditions(false, false, ""), Conditions(none), none.GroupId, "orders", Now);
        Assert.Equal(["GroupWithoutActive:True"], raised.Select(Label));
        Assert.Equal("group orders has no active member: no member can take the active role: none is reachable with its service ready", Held(raised[0]).Summary);
    }

    [Fact]
    public void A_deposed_active_back_at_an_older_epoch_is_fenced_but_the_member_a_switchover_moves_from_is_not()
    {
        var deposed = Standby(A) with { Role = Role(1, active: true), DeactivateSent = false };
        var back = Group(B, deposed, Active(B) with { Role = Role(2, active: true, lease: true) }) with { Epoch = 2 };
        var switching = back with { Pending = new PendingTransition { Kind = TransitionKind.Switchover, Epoch = 2, FromMemberId = A, ToMemberId = B } };

        var fenced = GroupSignals.Fencing(Decided(back), Now);

        var signal = Held(Assert.Single(fenced));
        Assert.Equal((AlertCondition.Fencing, true), (signal.Condition, signal.Holds));
        Assert.Equal("service orders on node node-a in group orders", signal.Target.Describe());
        Assert.Equal($"group/{back.GroupId}/node/{A}", signal.Target.Key);
        Assert.Equal("told node-a to stand by at epoch 2; its lease is not renewed", signal.Action);
        Assert.Empty(GroupSignals.Fencing(Decided(switching), Now));
        Assert.Empty(GroupSignals.Fencing(Decided(Group(A, Active(A), Standby(B))), Now));
    }

    [Fact]
    public void Two_members_exercising_the_active_role_at_once_raise_fencing_for_the_group()
    {
        var group = Group(A, Active(A), Standby(B));

        var signal = Held(Assert.Single(GroupSignals.Fencing(new GroupDecided(group, FailoverEngine.Decide(group, Clock), "node-a, node-b"), Now)));

        Assert.Equal("group orders: more than one member reports holding the active role at once: node-a, node-b", signal.Summary);
        Assert.Equal("group orders", signal.Target.Describe());
    }

    [Theory]
    [InlineData(DrillOutcome.Passed, null)]
    [InlineData(DrillOutcome.Running, null)]
    [InlineData(DrillOutcome.Failed, "group orders: the Switchover drill (operator) failed: recovered in 9000 ms, beyond the objective of 5 s")]
    public void Only_a_failed_drill_raises_drill_failed(DrillOutcome outcome, string? summary)
    {
        var drill = new Drill
        {
            Id = Guid.NewGuid(),
            GroupId = Guid.NewGuid(),
            Kind = DrillKind.Switchover,
            Trigger = "operator",
            Outcome = outcome,
            RtoMs = 9_000,
            RtoObjectiveSeconds = 5,
            Message = "recovered in 9000 ms, beyond the objective of 5 s",
            StartedAt = Now,
            FinishedAt = Now,
        };

        var signal = GroupSignals.FromDrill(drill, "orders", Now) as ConditionObserved;

        Assert.Equal(summary, signal?.Summary);
        Assert.Equal(summary is null ? null : AlertCondition.DrillFailed, signal?.Condition);
    }

    [Theory]
    [InlineData(EnrolledAgentState.Pending, true)]
    [InlineData(EnrolledAgentState.Approved, false)]
    [InlineData(EnrolledAgentState.Revoked, false)]
    [InlineData(null, false)]
    public void An_agent_awaits_approval_while_it_is_pending_and_no_longer_once_approved_revoked_or_gone(EnrolledAgentState? state, bool holds)
    {
        var agent = Guid.NewGuid();
        var node = Guid.NewGuid();

        var signal = Held(AgentSignals.FromChange(new AgentStateChange(agent, node, "web-9", state, Now)));

        Assert.Equal((AlertCondition.AgentAwaitingApproval, holds), (signal.Condition, signal.Holds));
        Assert.Equal(($"node/{node}/agent/{agent}", node), (signal.Target.Key, signal.Target.NodeId));
        Assert.Equal("node web-9", signal.Target.Describe());
    }

    private static GroupConditions Conditions(GroupSnapshot group) => GroupSignals.Of(group, FailoverEngine.Decide(group, Clock));

    private static GroupDecided Decided(GroupSnapshot group) => new(group, FailoverEngine.Decide(group, Clock), null);

    private static (bool Halted, bool WithoutActive) Pair(GroupConditions conditions) => (conditions.Halted, conditions.WithoutActive);

    private static ConditionObserved Held(AlertSignal signal) => Assert.IsType<ConditionObserved>(signal);

    private static string Label(AlertSignal signal) => $"{Held(signal).Condition}:{Held(signal).Holds}";

    private static GroupSnapshot Group(Guid? active, params MemberView[] members) => new()
    {
        GroupId = Guid.Parse("00000000-0000-0000-0000-000000000201"),
        Name = "orders",
        Epoch = 1,
        ActiveMemberId = active,
        Policy = new GroupPolicy(),
        Members = members,
        HourOfDay = 12,
    };

    private static MemberView Active(Guid id) => Standby(id) with { Role = Role(1, active: true, lease: true), ServiceUp = true, Health = ServiceHealth.Healthy };

    private static MemberView Standby(Guid id) => new()
    {
        MemberId = id,
        NodeId = id,
        NodeName = $"node-{id.ToString()[^1]}",
        Service = "orders",
        Priority = 1,
        Reachable = true,
        NodeDown = false,
        Reported = true,
        HoldsStopTerms = true,
        Health = ServiceHealth.Stopped,
        Role = Role(1, active: false),
        LeaseSurelyEndedAt = Clock - TimeSpan.FromSeconds(1),
        DeactivateSent = true,
    };

    private static RoleReport Role(long epoch, bool active, bool lease = false) =>
        new() { GroupId = Guid.Empty, Service = "orders", Epoch = epoch, Active = active, HoldsLease = lease, ServiceUp = active };
}
