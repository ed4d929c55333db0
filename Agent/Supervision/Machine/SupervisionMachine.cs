using System.Collections.Immutable;
using Vigil.Agent.Roles;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Machine;

/// <summary>
/// The supervision of one managed service as a pure state machine: state and inputs in, the next
/// state, the effects to perform and the health verdict out. Operations run beside the supervision,
/// never in its way: a lease that lapses while a start, a restart or a stop is under way cancels it
/// and kills the service at the fence deadline. Every start, an operator's included, is decided on
/// the role's allowance of that very step. <see cref="SupervisedService"/> performs the effects; the
/// failover simulation drives this same code.
/// </summary>
public static class SupervisionMachine
{
    /// <summary>Queues an operator's command; it is carried out once nothing else is under way.</summary>
    public static SupervisionState Enqueue(SupervisionState state, OperatorRequest request) =>
        state with { Requests = state.Requests.Enqueue(request) };

    /// <summary>
    /// The operator no longer waits for the request: it is dropped if nothing of it was done yet (still
    /// queued, or waiting for its lease); an operation of it already under way runs to its end.
    /// </summary>
    public static SupervisionState Withdraw(SupervisionState state, long requestId) =>
        state.Current is { } current && current.Id == requestId && state.Running is null
            ? state with { Current = null }
            : state with { Requests = ImmutableQueue.CreateRange(state.Requests.Where(r => r.Id != requestId)) };

    /// <summary>The requests that can no longer be carried out (the supervision ends).</summary>
    public static IEnumerable<OperatorRequest> Pending(SupervisionState state) =>
        state.Current is { } current ? [current, .. state.Requests] : state.Requests;

    /// <summary>Whether probe results count now: the service runs and nothing is being done to it.</summary>
    public static bool ProbesCount(SupervisionState state, ServiceObservation observation) =>
        state.Running is null && observation.State == ServiceState.Running;

    public static SupervisionStep Step(SupervisionSettings settings, SupervisionState state, SupervisionInputs inputs)
    {
        var step = new StepContext(settings, inputs);
        var s = state;
        if (inputs.Completed is { } result && s.Running is { } ended)
        {
            s = Ended(step, s with { Running = null }, ended, result);
        }

        if (s.Running is null)
        {
            s = Notice(step, s);
        }

        s = Hold(step, s);
        if (inputs.Permission.Role is { Active: false } && s.GaveUp is not null)
        {
            // A failed active that became a standby starts over: the control plane remembers its failures.
            s = s with { GaveUp = null, History = RestartHistory.Empty, StartDue = inputs.Now };
        }

        s = StartOnceLeased(step, s);
        s = CarryOutRequests(step, s);
        s = StartIfDue(step, s);
        s = RestartForProbe(step, s);
        return Verdict(step, s);
    }

    /// <summary>When the next step is due, at the latest (exits, nudges, probes and operations wake it earlier).</summary>
    public static TimeSpan NextStepIn(SupervisionSettings settings, SupervisionState state, RoleAllowance permission, TimeSpan now)
    {
        var next = settings.PollInterval;
        if (state.StartDue is { } due && state.LastState == ServiceState.Stopped && state.Running is null && permission.MayStart && !state.HeldByOperator)
        {
            next = Min(next, due - now);
        }

        if (state.FenceKillDue is { } kill)
        {
            next = Min(next, kill - now);
        }

        if (permission.ReviewIn is { } review)
        {
            next = Min(next, review);
        }

        return next;
    }

    /// <summary>What an operation's end means, by what it was for.</summary>
    private static SupervisionState Ended(StepContext step, SupervisionState s, Operation op, OperationResult result)
    {
        var observation = step.Inputs.Observation;
        switch (op.Kind, result)
        {
            case (OperationKind.Start, OperationResult.Success):
                s = s with { LastError = null, StartedAt = step.Now, StartDue = null, LastState = observation.State };
                step.Add(new SupervisionEffect.ResetProbes());
                var restarts = s.History.CountWithin(step.Policy.Window, step.Now);
                step.Record(AgentEventKind.ServiceStarted, restarts == 0
                    ? $"started{Pid(observation)}"
                    : $"started again{Pid(observation)} (restart {restarts} of {step.Policy.MaxRestarts})");
                if (observation.State == ServiceState.Stopped)
                {
                    var what = observation.ExitCode is { } code ? $"exited with code {code} as it started" : "stopped as it started";
                    step.Record(AgentEventKind.ServiceExited, what, observation.ExitCode);
                    s = AfterFailure(step, s, what, TimeSpan.Zero);
                }

                return op.Purpose == OperationPurpose.Request
                    ? Finish(step, s, IsUp(observation.State) ? $"started{Pid(observation)}" : null, s.LastError ?? $"did not start; it is {observation.State}")
                    : s;
            case (OperationKind.Start, OperationResult.Failure failure):
                var error = failure.Key is { } key ? $"could not start: {failure.Message} ({key})" : $"could not start: {failure.Message}";
                step.Record(AgentEventKind.ServiceExited, error);
                s = AfterFailure(step, s with { LastError = error, LastState = observation.State }, error, TimeSpan.Zero);
                return op.Purpose == OperationPurpose.Request ? Finish(step, s, null, error) : s;
            case (OperationKind.Start or OperationKind.Continue, OperationResult.Cancellation):
                step.Record(AgentEventKind.ServiceStopped, $"{(op.Kind == OperationKind.Start ? "start" : "continue")} cut short: {step.Permission.Reason ?? "the supervision ended"}");
                return op.Purpose == OperationPurpose.Request ? Finish(step, s, null, $"cut short: {step.Permission.Reason ?? "the supervision ended"}") : s;
            case (OperationKind.Stop, OperationResult.Failure failure) when op.Purpose is OperationPurpose.Hold or OperationPurpose.Fence:
                step.Record(AgentEventKind.ServiceExited, $"did not stop ({failure.Message}; {op.Why}); ending its processes");
                return Begin(step, s, OperationKind.Kill, op.Purpose, op.Why);
            case (OperationKind.Stop, OperationResult.Failure failure) when op.Purpose == OperationPurpose.ProbeRestart:
                // A service that will not stop is ended: a restart that leaves the failing instance up heals nothing.
                step.Record(AgentEventKind.ServiceExited, $"could not stop after {op.Why}: {failure.Message}; ending its processes");
                return Begin(step, s, OperationKind.Kill, op.Purpose, op.Why);
            case (OperationKind.Stop or OperationKind.Kill, OperationResult.Success or OperationResult.Failure) when op.Purpose is OperationPurpose.Hold or OperationPurpose.Fence:
                if (result is OperationResult.Failure killFailed)
                {
                    step.Record(AgentEventKind.ServiceExited, $"could not end its processes either: {killFailed.Message}");
                }

                s = Stopped(step, s) with { StartDue = step.Now };
                step.Record(AgentEventKind.ServiceStopped, $"stopped: {op.Why}");
                return s;
            case (OperationKind.Stop or OperationKind.Kill, OperationResult.Success or OperationResult.Failure) when op.Purpose == OperationPurpose.ProbeRestart:
                if (result is OperationResult.Failure killFailedToo)
                {
                    step.Record(AgentEventKind.ServiceExited, $"could not end its processes either: {killFailedToo.Message}");
                }

                step.Add(new SupervisionEffect.ResetProbes());
                s = AfterFailure(step, s with { LastState = observation.State }, op.Why, step.Now - (s.StartedAt ?? step.Now));
                // Still up: judged afresh after a new grace, so a lasting failure comes back here and spends the budget.
                return observation.State == ServiceState.Stopped ? s : s with { LastError = $"could not stop after {op.Why}; still {observation.State}", StartedAt = step.Now };
            case (_, OperationResult.Cancellation):
                return op.Purpose == OperationPurpose.Request ? Finish(step, s, null, "cut short") : s;
            case (_, _) when op.Purpose == OperationPurpose.Request:
                return RequestStepEnded(step, s, op, result);
            default:
                return s;
        }
    }

    /// <summary>The end of one operation of an operator's command: the next one, or the answer.</summary>
    private static SupervisionState RequestStepEnded(StepContext step, SupervisionState s, Operation op, OperationResult result)
    {
        var observation = step.Inputs.Observation;
        if (result is OperationResult.Failure failure)
        {
            return Finish(step, s with { LastState = observation.State }, null, failure.Message);
        }

        switch (s.Current?.Kind, op.Kind)
        {
            case (CommandKind.Restart, OperationKind.Stop):
                s = s with { LastState = observation.State };
                // The lease is checked again between the stop and the start; a lease on its way is waited for.
                return step.Permission.MayStart
                    ? Begin(step, s, OperationKind.Start, OperationPurpose.Request, "restart asked for by an operator")
                    : step.Permission.AwaitsLease
                        ? s
                        : Finish(step, s, null, $"{step.Settings.Name} was stopped but not started again: {step.Permission.Reason}");
            case (CommandKind.Stop, OperationKind.Stop):
                s = Stopped(step, s);
                step.Record(AgentEventKind.ServiceStopped, "stopped by an operator");
                return Finish(step, s, "stopped; held stopped until an operator starts it", null);
            case (CommandKind.Kill, OperationKind.Kill):
                s = Stopped(step, s) with { StartDue = null, GaveUp = "killed by a fault-injection drill; treated as failed for good" };
                step.Record(AgentEventKind.ServiceGaveUp, s.GaveUp!);
                return Finish(step, s, "killed", null);
            case (CommandKind.Pause, _):
                return Finish(step, s, "paused", null);
            case (CommandKind.Continue, _):
                return Finish(step, s, "continued", null);
            default:
                return Finish(step, s, "done", null);
        }
    }

    /// <summary>Notices what changed since the last look: a start seen, or an exit nobody asked for.</summary>
    private static SupervisionState Notice(StepContext step, SupervisionState s)
    {
        var observation = step.Inputs.Observation;
        var wasUp = s.LastState is ServiceState.Running or ServiceState.Paused or ServiceState.StopPending or ServiceState.PausePending or ServiceState.ContinuePending;
        if (observation.State == ServiceState.Running && s.LastState != ServiceState.Running && s.LastState != ServiceState.Paused)
        {
            // Running without the agent starting it now: adopted at start, or started by someone else.
            s = s with { StartedAt = s.StartedAt ?? step.Now, StartDue = null, GaveUp = null };
            step.Add(new SupervisionEffect.ResetProbes());
        }

        if (wasUp && observation.State == ServiceState.Stopped)
        {
            var ranFor = step.Now - (s.StartedAt ?? step.Now);
            var what = observation.ExitCode is { } code ? $"exited with code {code}" : observation.Detail ?? "stopped unexpectedly";
            step.Record(AgentEventKind.ServiceExited, $"{what} after {RestartDecisions.Describe(ranFor)}", observation.ExitCode);
            s = AfterFailure(step, s, what, ranFor);
        }

        return s with { LastState = observation.State };
    }

    /// <summary>
    /// A service its role does not allow to run is stopped: a standby at its own pace; a service that
    /// may be exercising a role nobody vouches for is fenced — what is under way is cancelled, it is
    /// stopped at once and killed at the fence deadline, which later steps never push back.
    /// </summary>
    private static SupervisionState Hold(StepContext step, SupervisionState s)
    {
        var permission = step.Permission;
        var state = step.Inputs.Observation.State;
        var bringingUp = s.Running is { Kind: OperationKind.Start or OperationKind.Continue };
        var lingering = Lingers(state) || bringingUp;
        if (permission.MayKeepRunning || !lingering)
        {
            return lingering || s.Running is not null ? s : s with { FenceKillDue = null };
        }

        var why = permission.Reason ?? "its role does not allow it to run";
        if (!permission.Fence && s.FenceKillDue is null)
        {
            if (bringingUp)
            {
                step.Add(new SupervisionEffect.CancelOperation());
                return s;
            }

            return s.Running is null && s.Current is null && IsUp(state) ? Begin(step, s, OperationKind.Stop, OperationPurpose.Hold, why) : s;
        }

        var killDue = s.FenceKillDue ?? step.Now + permission.KillAfter;
        s = s with { FenceKillDue = killDue };
        if (s.Current is { Kind: not (CommandKind.Stop or CommandKind.Kill) })
        {
            // An operator's command does not outlive the fence; a stop it began goes on as the fence's.
            s = Finish(step, s, null, $"cut short: {why}");
            if (s.Running is { Purpose: OperationPurpose.Request, Kind: OperationKind.Stop or OperationKind.Kill } stopping)
            {
                s = s with { Running = stopping with { Purpose = OperationPurpose.Fence, Why = why } };
            }
        }

        if (step.Now >= killDue && Lingers(state))
        {
            if (s.Running is { Kind: OperationKind.Kill })
            {
                return s;
            }

            step.Record(AgentEventKind.ServiceExited, $"did not stop in time ({why}); ending its processes");
            return Begin(step, s, OperationKind.Kill, OperationPurpose.Fence, why);
        }

        if (bringingUp)
        {
            step.Add(new SupervisionEffect.CancelOperation());
            return s;
        }

        return s.Running is null && Lingers(state) ? Begin(step, s, OperationKind.Stop, OperationPurpose.Fence, why) : s;
    }

    private static SupervisionState CarryOutRequests(StepContext step, SupervisionState s)
    {
        while (s.Running is null && s.Current is null && !s.Requests.IsEmpty)
        {
            s = s with { Requests = s.Requests.Dequeue(out var request), Current = request };
            s = BeginRequest(step, s, request);
        }

        return s;
    }

    private static SupervisionState BeginRequest(StepContext step, SupervisionState s, OperatorRequest request)
    {
        var observation = step.Inputs.Observation;
        var up = IsUp(observation.State);
        switch (request.Kind)
        {
            case CommandKind.Start or CommandKind.Restart when !step.Permission.MayStart && step.Permission.AwaitsLease && !up:
                // An active member whose lease is on its way: started once it comes (see StartOnceLeased).
                return s;
            case CommandKind.Start or CommandKind.Restart when !step.Permission.MayStart:
                return Finish(step, s, null, CannotStart(step));
            case CommandKind.Start:
                s = StartOver(step, s);
                return up
                    ? Finish(step, s, $"already {observation.State}{Pid(observation)}", null)
                    : Begin(step, s, OperationKind.Start, OperationPurpose.Request, "start asked for by an operator");
            case CommandKind.Restart:
                s = StartOver(step, s);
                return Begin(step, s, up ? OperationKind.Stop : OperationKind.Start, OperationPurpose.Request, "restart asked for by an operator");
            case CommandKind.Stop:
                s = s with { HeldByOperator = true };
                return up
                    ? Begin(step, s, OperationKind.Stop, OperationPurpose.Request, "stop asked for by an operator")
                    : Finish(step, s, "already stopped; held stopped until an operator starts it", null);
            case CommandKind.Pause:
                return Begin(step, s, OperationKind.Pause, OperationPurpose.Request, "pause asked for by an operator");
            case CommandKind.Continue when !step.Permission.MayKeepRunning:
                return Finish(step, s, null, CannotStart(step));
            case CommandKind.Continue:
                return Begin(step, s, OperationKind.Continue, OperationPurpose.Request, "continue asked for by an operator");
            case CommandKind.Kill:
                return Begin(step, s, OperationKind.Kill, OperationPurpose.Request, "killed by a fault-injection drill");
            default:
                return Finish(step, s, null, $"{request.Kind} is not a service command");
        }
    }

    /// <summary>
    /// An operator's start or restart that waits, with the service down, for a lease on its way: begun
    /// on the step that sees the lease, refused on the step that sees the role allow no start and no
    /// lease coming. Nothing starts without a valid lease.
    /// </summary>
    private static SupervisionState StartOnceLeased(StepContext step, SupervisionState s)
    {
        if (s.Running is not null || s.Current is not { Kind: CommandKind.Start or CommandKind.Restart } waiting)
        {
            return s;
        }

        if (step.Permission.MayStart)
        {
            return Begin(step, StartOver(step, s), OperationKind.Start, OperationPurpose.Request, $"{(waiting.Kind == CommandKind.Start ? "start" : "restart")} asked for by an operator");
        }

        return step.Permission.AwaitsLease ? s : Finish(step, s, null, CannotStart(step));
    }

    private static SupervisionState StartIfDue(StepContext step, SupervisionState s) =>
        s.Running is null && s.Current is null && step.Inputs.Observation.State == ServiceState.Stopped
        && s.StartDue is { } due && step.Now >= due && step.Permission.MayStart && !s.HeldByOperator
            ? Begin(step, s, OperationKind.Start, OperationPurpose.Supervision, s.StartReason ?? "start")
            : s;

    private static SupervisionState RestartForProbe(StepContext step, SupervisionState s) =>
        step.Inputs.FailingProbe is { } failing && s.GaveUp is null && ProbesCount(s, step.Inputs.Observation)
            ? Begin(step, s, OperationKind.Stop, OperationPurpose.ProbeRestart, $"probe {failing.Name} failing ({failing.LastDetail})")
            : s;

    /// <summary>Applies the restart policy to a failure and records what was decided.</summary>
    private static SupervisionState AfterFailure(StepContext step, SupervisionState s, string what, TimeSpan ranFor)
    {
        var (decision, history) = RestartDecisions.OnFailure(step.Policy, s.History, step.Now, ranFor, step.Inputs.Random);
        s = s with { StartedAt = null, HealthySince = null, History = history };
        switch (decision)
        {
            case RestartDecision.Restart restart:
                s = s with { StartDue = step.Now + restart.Delay, StartReason = $"{what}; {restart.Reason}" };
                step.Record(AgentEventKind.ServiceRestarting, s.StartReason);
                return s;
            case RestartDecision.GiveUp giveUp:
                s = s with { StartDue = null, GaveUp = $"{what}; {giveUp.Reason}" };
                step.Record(AgentEventKind.ServiceGaveUp, $"{s.GaveUp}; left stopped until an operator starts it");
                return s;
            case RestartDecision.Leave leave:
                return s with { StartDue = null, StartReason = $"{what}; {leave.Reason}" };
            default:
                return s;
        }
    }

    private static SupervisionStep Verdict(StepContext step, SupervisionState s)
    {
        var observation = step.Inputs.Observation;
        var permission = step.Permission;
        var held = s.HeldByOperator ? "stopped by an operator" : permission.MayStart ? null : permission.Reason;
        var (health, reason) = HealthRules.Evaluate(new HealthInputs
        {
            State = observation.State,
            StateDetail = held ?? s.LastError ?? observation.Detail,
            WantedRunning = held is null,
            GaveUp = step.Settings.Retired ?? s.GaveUp,
            PendingRestart = held is null && s.StartDue is not null && observation.State == ServiceState.Stopped ? s.StartReason : null,
            Probes = step.Inputs.Probes,
        });

        var policy = step.Policy;
        if (health == ServiceHealth.Healthy)
        {
            var since = s.HealthySince ?? step.Now;
            s = s with { HealthySince = since, History = RestartDecisions.OnHealthy(policy, s.History, step.Now - since) };
        }
        else
        {
            s = s with { HealthySince = null };
        }

        return new SupervisionStep(s, step.Effects, health, reason, s.History.CountWithin(policy.Window, step.Now));
    }

    private static SupervisionState Begin(StepContext step, SupervisionState s, OperationKind kind, OperationPurpose purpose, string why)
    {
        var operation = new Operation(kind, purpose, step.Now, why);
        step.Add(new SupervisionEffect.Begin(operation));
        return s with { Running = operation };
    }

    private static SupervisionState Finish(StepContext step, SupervisionState s, string? message, string? error)
    {
        if (s.Current is { } request)
        {
            step.Add(new SupervisionEffect.Complete(request.Id, message, message is null ? error ?? "failed" : null));
        }

        return s with { Current = null };
    }

    /// <summary>An operator's start clears the hold, the given-up verdict and the restart budget.</summary>
    private static SupervisionState StartOver(StepContext step, SupervisionState s) =>
        s with { HeldByOperator = false, GaveUp = null, LastError = null, History = RestartHistory.Empty, StartDue = step.Now };

    private static SupervisionState Stopped(StepContext step, SupervisionState s)
    {
        step.Add(new SupervisionEffect.ResetProbes());
        return s with { LastState = step.Inputs.Observation.State, StartedAt = null, HealthySince = null };
    }

    /// <summary>Why a start is refused; a member that is not the active one is told how to make it so.</summary>
    private static string CannotStart(StepContext step) => step.Permission.Role is { Active: true }
        ? $"cannot start {step.Settings.Name}: {step.Permission.Reason}"
        : $"cannot start {step.Settings.Name}: {step.Permission.Reason}; move the active role with a switchover instead";

    /// <summary>Anything but stopped (or unknown): a service stopping slowly may still be serving.</summary>
    private static bool Lingers(ServiceState state) => state is not (ServiceState.Stopped or ServiceState.Unknown);

    public static bool IsUp(ServiceState state) =>
        state is ServiceState.Running or ServiceState.Paused or ServiceState.StartPending or ServiceState.PausePending or ServiceState.ContinuePending;

    private static string Pid(ServiceObservation observation) => observation.ProcessId is { } pid ? $", pid {pid}" : "";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>The step's inputs and the effects it has asked for so far.</summary>
    private sealed class StepContext(SupervisionSettings settings, SupervisionInputs inputs)
    {
        private readonly List<SupervisionEffect> _effects = [];

        public SupervisionSettings Settings { get; } = settings;

        public SupervisionInputs Inputs { get; } = inputs;

        public TimeSpan Now => Inputs.Now;

        public RoleAllowance Permission => Inputs.Permission;

        public IReadOnlyList<SupervisionEffect> Effects => _effects;

        public void Add(SupervisionEffect effect) => _effects.Add(effect);

        public void Record(AgentEventKind kind, string message, int? exitCode = null) => _effects.Add(new SupervisionEffect.Record(kind, message, exitCode));

        /// <summary>The restart policy in force: an active failover-group member gets the group's small local budget, so a standby takes over instead of a crash loop.</summary>
        public RestartPolicy Policy => Permission.Role is { Active: true } role
            ? Settings.Policy with { MaxRestarts = role.LocalRestarts, Window = role.LocalRestartWindow }
            : Settings.Policy;
    }
}
