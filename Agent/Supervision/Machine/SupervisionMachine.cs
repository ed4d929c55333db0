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
public static partial class SupervisionMachine
{
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
