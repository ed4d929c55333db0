using Vigil.Agent.Roles;
using Vigil.Agent.Supervision.Machine;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision;

/// <summary>
/// The pure supervision step on a clock the test moves: fencing never waits behind an operation in
/// flight, and every start is decided on the role's allowance of that very step.
/// </summary>
public sealed class SupervisionMachineTests
{
    private static readonly SupervisionSettings Settings = new("web", RestartPolicy.Resolve(null, null), TimeSpan.FromSeconds(1));
    private static readonly ServiceObservation Stopped = new() { State = ServiceState.Stopped };
    private static readonly ServiceObservation StartPending = new() { State = ServiceState.StartPending, ProcessId = 7 };
    private static readonly ServiceObservation Running = new() { State = ServiceState.Running, ProcessId = 7 };

    [Fact]
    public void A_lease_that_lapses_during_a_long_start_cancels_the_start_and_kills_at_the_fence_deadline()
    {
        // The start is under way (a long START_PENDING) when the lease lapses.
        var state = Step(SupervisionState.Initial, Seconds(0), Stopped, Leased).State;
        Assert.Equal(OperationKind.Start, state.Running?.Kind);

        var fenced = Step(state, Seconds(3), StartPending, Fenced(killAfter: Seconds(0.5)));
        Assert.Contains(fenced.Effects, e => e is SupervisionEffect.CancelOperation);
        Assert.Equal(Seconds(3.5), fenced.State.FenceKillDue);

        // The cancelled start comes back; the service is still up, so it is stopped, then killed at the deadline.
        var stopping = Step(fenced.State, Seconds(3.1), StartPending, Fenced(killAfter: Seconds(0.5)), OperationResult.Cancelled);
        Assert.Equal((OperationKind.Stop, OperationPurpose.Fence), (stopping.State.Running?.Kind, stopping.State.Running?.Purpose));

        // A later step's allowance never pushes the deadline back.
        var later = Step(stopping.State, Seconds(3.4), Running, Fenced(killAfter: Seconds(0.5)));
        Assert.Equal(Seconds(3.5), later.State.FenceKillDue);

        var killed = Step(later.State, Seconds(3.5), Running, Fenced(killAfter: Seconds(0.5)));
        Assert.Equal(OperationKind.Kill, killed.State.Running?.Kind);
        Assert.Contains(killed.Effects, e => e is SupervisionEffect.Begin { Operation.Kind: OperationKind.Kill });
    }

    [Fact]
    public void An_operator_restart_checks_the_lease_again_between_its_stop_and_its_start()
    {
        var state = Step(SupervisionState.Initial, Seconds(0), Running, Leased).State;
        state = SupervisionMachine.Enqueue(state, new OperatorRequest(1, CommandKind.Restart));
        var stopping = Step(state, Seconds(1), Running, Leased);
        Assert.Equal(OperationKind.Stop, stopping.State.Running?.Kind);

        // The lease lapsed while the service stopped: the restart ends without starting it, and says so.
        var ended = Step(stopping.State, Seconds(4), Stopped, Fenced(killAfter: Seconds(0.5)), OperationResult.Succeeded);

        Assert.DoesNotContain(ended.Effects, e => e is SupervisionEffect.Begin { Operation.Kind: OperationKind.Start });
        var answer = Assert.Single(ended.Effects.OfType<SupervisionEffect.Complete>());
        Assert.Equal((null, "web was stopped but not started again: fenced: the lease lapsed"), (answer.Message, answer.Error));
    }

    [Fact]
    public void An_operator_restart_that_finds_the_lease_on_its_way_waits_for_it_and_succeeds_once_the_service_runs()
    {
        var state = Step(SupervisionState.Initial, Seconds(0), Stopped, WaitingForLease).State;
        state = SupervisionMachine.Enqueue(state, new OperatorRequest(1, CommandKind.Restart));

        var waiting = Step(state, Seconds(0.1), Stopped, WaitingForLease);
        Assert.DoesNotContain(waiting.Effects, e => e is SupervisionEffect.Begin or SupervisionEffect.Complete);
        Assert.Equal("waiting for a lease", waiting.Reason);

        var leased = Step(waiting.State, Seconds(0.2), Stopped, Leased);
        Assert.Equal((OperationKind.Start, OperationPurpose.Request), (leased.State.Running?.Kind, leased.State.Running?.Purpose));

        var started = Step(leased.State, Seconds(0.3), Running, Leased, OperationResult.Succeeded);
        var answer = Assert.Single(started.Effects.OfType<SupervisionEffect.Complete>());
        Assert.Equal("started, pid 7", answer.Message);
    }

    [Fact]
    public void A_restart_whose_stop_ends_while_a_new_activation_waits_for_its_lease_starts_only_once_it_comes()
    {
        var state = Step(SupervisionState.Initial, Seconds(0), Running, Leased).State;
        state = SupervisionMachine.Enqueue(state, new OperatorRequest(1, CommandKind.Restart));
        var stopping = Step(state, Seconds(1), Running, Leased);

        var stopped = Step(stopping.State, Seconds(2), Stopped, WaitingForLease, OperationResult.Succeeded);
        Assert.DoesNotContain(stopped.Effects, e => e is SupervisionEffect.Begin or SupervisionEffect.Complete);
        var still = Step(stopped.State, Seconds(2.5), Stopped, WaitingForLease);
        Assert.DoesNotContain(still.Effects, e => e is SupervisionEffect.Begin or SupervisionEffect.Complete);

        var leased = Step(still.State, Seconds(3), Stopped, Leased);
        Assert.Equal((OperationKind.Start, OperationPurpose.Request), (leased.State.Running?.Kind, leased.State.Running?.Purpose));
    }

    [Fact]
    public void A_restart_waiting_for_its_lease_is_refused_with_the_reason_once_no_lease_is_on_its_way()
    {
        var state = Step(SupervisionState.Initial, Seconds(0), Stopped, WaitingForLease).State;
        state = SupervisionMachine.Enqueue(state, new OperatorRequest(1, CommandKind.Restart));
        var waiting = Step(state, Seconds(0.1), Stopped, WaitingForLease);

        var lapsed = Step(waiting.State, Seconds(1), Stopped, Fenced(killAfter: Seconds(0.5)));

        Assert.DoesNotContain(lapsed.Effects, e => e is SupervisionEffect.Begin);
        var answer = Assert.Single(lapsed.Effects.OfType<SupervisionEffect.Complete>());
        Assert.Equal("cannot start web: fenced: the lease lapsed", answer.Error);
    }

    [Fact]
    public void A_restart_withdrawn_while_it_waits_for_its_lease_is_dropped()
    {
        var state = Step(SupervisionState.Initial, Seconds(0), Stopped, WaitingForLease).State;
        state = SupervisionMachine.Enqueue(state, new OperatorRequest(1, CommandKind.Restart));
        state = Step(state, Seconds(0.1), Stopped, WaitingForLease).State;

        state = SupervisionMachine.Withdraw(state, 1);

        Assert.Null(state.Current);
        Assert.Empty(SupervisionMachine.Pending(state));
    }

    [Fact]
    public void A_restart_after_an_exit_is_not_started_without_a_valid_lease()
    {
        var state = Step(SupervisionState.Initial, Seconds(0), Running, Leased).State;
        var exited = Step(state, Seconds(10), Stopped, WaitingForLease);
        var due = Step(exited.State, Seconds(20), Stopped, WaitingForLease);

        Assert.DoesNotContain(due.Effects, e => e is SupervisionEffect.Begin { Operation.Kind: OperationKind.Start });
        Assert.Contains(Step(due.State, Seconds(21), Stopped, Leased).Effects, e => e is SupervisionEffect.Begin { Operation.Kind: OperationKind.Start });
    }

    [Fact]
    public void A_member_no_longer_defined_is_reported_failed_and_held()
    {
        var retired = Settings with { Retired = "no longer defined on this node" };

        var step = SupervisionMachine.Step(retired, SupervisionState.Initial, new SupervisionInputs { Now = Seconds(0), Observation = Stopped, Permission = Fenced(Seconds(0.5)) });

        Assert.Equal(ServiceHealth.Failed, step.Health);
        Assert.DoesNotContain(step.Effects, e => e is SupervisionEffect.Begin { Operation.Kind: OperationKind.Start });
    }

    private static SupervisionStep Step(SupervisionState state, TimeSpan now, ServiceObservation observation, RoleAllowance permission, OperationResult? completed = null) =>
        SupervisionMachine.Step(Settings, state, new SupervisionInputs { Now = now, Observation = observation, Permission = permission, Completed = completed });

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private static GroupRole Role => new() { GroupId = Guid.Empty, GroupName = "orders", Service = "web", Epoch = 3, Active = true, Terms = new RoleTerms { Version = 1 } };

    private static RoleAllowance Leased => new() { MayStart = true, MayKeepRunning = true, Role = Role, ReviewIn = TimeSpan.FromSeconds(3) };

    private static RoleAllowance WaitingForLease => new() { MayStart = false, MayKeepRunning = false, Fence = true, KillAfter = TimeSpan.FromSeconds(0.5), AwaitsLease = true, Role = Role, Reason = "waiting for a lease" };

    private static RoleAllowance Fenced(TimeSpan killAfter) => new() { MayStart = false, MayKeepRunning = false, Fence = true, KillAfter = killAfter, Role = Role, Reason = "fenced: the lease lapsed" };
}
