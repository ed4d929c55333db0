using System.Collections.Immutable;
using Vigil.Agent.Roles;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Machine;

/// <summary>What the agent asks of the operating system for a managed service.</summary>
public enum OperationKind
{
    Start,
    Stop,
    Kill,
    Pause,
    Continue,
}

/// <summary>Why an operation runs; it decides what its end means.</summary>
public enum OperationPurpose
{
    /// <summary>The restart policy (or the first start) brings the service up.</summary>
    Supervision,

    /// <summary>The service's role does not allow it to run (a standby): stopped at its own pace.</summary>
    Hold,

    /// <summary>The service may be exercising a role nobody vouches for: stopped now, killed at the fence deadline.</summary>
    Fence,

    /// <summary>A probe that restarts on failure is failing: stopped, then started again by the restart policy.</summary>
    ProbeRestart,

    /// <summary>An operator's (or a drill's) command.</summary>
    Request,
}

/// <summary>One operation under way; the supervision goes on beside it (it never waits for it).</summary>
public sealed record Operation(OperationKind Kind, OperationPurpose Purpose, TimeSpan Since, string Why);

/// <summary>An operator's command waiting for, or being carried out on, the service.</summary>
public sealed record OperatorRequest(long Id, CommandKind Kind);

/// <summary>How an operation ended.</summary>
public abstract record OperationResult
{
    public static readonly OperationResult Succeeded = new Success();

    public static readonly OperationResult Cancelled = new Cancellation();

    public sealed record Success : OperationResult;

    /// <summary>The operating system refused or the operation timed out; <see cref="Key"/> names the definition field at fault.</summary>
    public sealed record Failure(string Message, string? Key = null) : OperationResult;

    /// <summary>Cut short by the supervision (a fence, or the supervision ending).</summary>
    public sealed record Cancellation : OperationResult;
}

/// <summary>The settings of one supervised service that its decisions depend on.</summary>
/// <param name="Retired">Set for a failover-group member no longer defined on this node: why it is held and reported Failed.</param>
public sealed record SupervisionSettings(string Name, RestartPolicy Policy, TimeSpan PollInterval, string? Retired = null);

/// <summary>
/// Everything the supervision of one service remembers between steps. Immutable: a step returns the
/// next state. Instants are on the agent's monotonic clock.
/// </summary>
public sealed record SupervisionState
{
    public static readonly SupervisionState Initial = new();

    /// <summary>The state seen at the last step with no operation under way (changes against it are exits or adoptions).</summary>
    public ServiceState LastState { get; init; } = ServiceState.Unknown;

    /// <summary>When the restart policy wants the service started; null when no start is due.</summary>
    public TimeSpan? StartDue { get; init; } = TimeSpan.Zero;

    public string? StartReason { get; init; }

    /// <summary>The restart budget was spent (or a drill killed it): the service is Failed and left alone.</summary>
    public string? GaveUp { get; init; }

    public string? LastError { get; init; }

    public TimeSpan? StartedAt { get; init; }

    public TimeSpan? HealthySince { get; init; }

    public RestartHistory History { get; init; } = RestartHistory.Empty;

    /// <summary>An operator stopped it: it stays stopped until an operator starts it.</summary>
    public bool HeldByOperator { get; init; }

    public Operation? Running { get; init; }

    /// <summary>A fence is under way: the service is killed if still up at this instant. Never pushed back.</summary>
    public TimeSpan? FenceKillDue { get; init; }

    public ImmutableQueue<OperatorRequest> Requests { get; init; } = [];

    /// <summary>The operator's command being carried out.</summary>
    public OperatorRequest? Current { get; init; }
}

/// <summary>Everything one step looks at: the clock, the service, the role, and what just happened.</summary>
public sealed record SupervisionInputs
{
    public required TimeSpan Now { get; init; }

    public required ServiceObservation Observation { get; init; }

    public required RoleAllowance Permission { get; init; }

    /// <summary>The operation under way ended, like this.</summary>
    public OperationResult? Completed { get; init; }

    /// <summary>A probe that restarts on failure has just turned Failing.</summary>
    public ProbeStatus? FailingProbe { get; init; }

    /// <summary>The probes' standing, for the health verdict.</summary>
    public IReadOnlyList<ProbeStatus> Probes { get; init; } = [];

    /// <summary>A number in [0, 1) for the restart jitter.</summary>
    public double Random { get; init; }
}

/// <summary>What a step asks the shell to do.</summary>
public abstract record SupervisionEffect
{
    /// <summary>Start the operation (cancelling any still under way: its end is no longer awaited).</summary>
    public sealed record Begin(Operation Operation) : SupervisionEffect;

    /// <summary>Cancel the operation under way; its end comes back as Cancelled.</summary>
    public sealed record CancelOperation : SupervisionEffect;

    public sealed record Record(AgentEventKind Kind, string Message, int? ExitCode = null) : SupervisionEffect;

    /// <summary>The service (re)started or stopped: the probes start afresh.</summary>
    public sealed record ResetProbes : SupervisionEffect;

    public sealed record Complete(long RequestId, string? Message, string? Error) : SupervisionEffect;
}

/// <summary>The outcome of one step.</summary>
public sealed record SupervisionStep(SupervisionState State, IReadOnlyList<SupervisionEffect> Effects, ServiceHealth Health, string Reason, int RestartCount);
