using System.Collections.Immutable;
using Vigil.Agent.Roles;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Machine;

// Fencing: a service its role does not allow to run is stopped, and killed at the fence deadline.
public static partial class SupervisionMachine
{
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
}
