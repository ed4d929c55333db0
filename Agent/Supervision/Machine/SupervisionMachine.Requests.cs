using System.Collections.Immutable;
using Vigil.Agent.Roles;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Machine;

// Operators' commands: queued, carried out one at a time, each start decided on the role's allowance.
public static partial class SupervisionMachine
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


    /// <summary>An operator's start clears the hold, the given-up verdict and the restart budget.</summary>
    private static SupervisionState StartOver(StepContext step, SupervisionState s) =>
        s with { HeldByOperator = false, GaveUp = null, LastError = null, History = RestartHistory.Empty, StartDue = step.Now };
}
