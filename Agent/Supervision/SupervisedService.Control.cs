using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision;

/// <summary>Operator commands and role holds, carried out on the service's own loop.</summary>
public sealed partial class SupervisedService
{
    /// <summary>Half the control plane's default fence allowance (1 s): a fenced service still up by then is killed.</summary>
    private static readonly TimeSpan FenceStopAllowance = TimeSpan.FromMilliseconds(500);

    /// <summary>Look again now: the service's role changed or its lease ended.</summary>
    public void Nudge() => _nudges.Writer.TryWrite(true);

    /// <summary>Carries out an operator's or a drill's command on the supervision loop; returns what happened.</summary>
    public async Task<string> ControlAsync(CommandKind kind, CancellationToken cancellationToken)
    {
        var request = new ControlRequest(kind);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new ServiceOperationException($"{Name} is no longer supervised");
        }

        Nudge();
        return await request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes with the first report that satisfies <paramref name="condition"/>.</summary>
    public async Task<ServiceReport> WaitForReportAsync(Func<ServiceReport, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task published;
            lock (_reportGate)
            {
                if (condition(_report))
                {
                    return _report;
                }

                published = _published.Task;
            }

            await published.WaitAsync(cancellationToken);
        }
    }

    private async Task CarryOutAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        try
        {
            request.Completion.TrySetResult(await ExecuteAsync(request.Kind, cancellationToken));
        }
        catch (ServiceOperationException exception)
        {
            request.Completion.TrySetException(exception);
        }
    }

    private async Task<string> ExecuteAsync(CommandKind kind, CancellationToken cancellationToken)
    {
        var observation = _manager.Observe();
        switch (kind)
        {
            case CommandKind.Start:
                RequireRoleAllowsStart();
                StartOver();
                return IsUp(observation.State) ? $"already {observation.State}{Pid(observation)}" : Started(await StartAsync(cancellationToken));
            case CommandKind.Restart:
                RequireRoleAllowsStart();
                StartOver();
                if (IsUp(observation.State))
                {
                    await _manager.StopAsync(cancellationToken);
                    _lastState = _manager.Observe().State;
                }

                return Started(await StartAsync(cancellationToken));
            case CommandKind.Stop:
                _heldByOperator = true;
                if (!IsUp(observation.State))
                {
                    return "already stopped; held stopped until an operator starts it";
                }

                await _manager.StopAsync(cancellationToken);
                Stopped(_manager.Observe());
                _events.Record(AgentEventKind.ServiceStopped, Name, "stopped by an operator");
                return "stopped; held stopped until an operator starts it";
            case CommandKind.Pause:
                await _manager.PauseAsync(cancellationToken);
                return "paused";
            case CommandKind.Continue:
                await _manager.ContinueAsync(cancellationToken);
                return "continued";
            case CommandKind.Kill:
                await _manager.KillAsync(cancellationToken);
                Stopped(_manager.Observe());
                _startDue = null;
                _gaveUp = "killed by a fault-injection drill; treated as failed for good";
                _events.Record(AgentEventKind.ServiceGaveUp, Name, _gaveUp);
                return "killed";
            default:
                throw new ServiceOperationException($"{kind} is not a service command");
        }
    }

    /// <summary>Stops a service its role does not allow to run: a standby gracefully; a fenced active within <see cref="FenceStopAllowance"/>, then killed.</summary>
    private async Task<ServiceObservation> HoldAsync(CancellationToken cancellationToken)
    {
        var reason = _permission.Reason ?? "its role does not allow it to run";
        var fencing = _permission.Role is { Active: true };
        try
        {
            using var allowance = new CancellationTokenSource(fencing ? FenceStopAllowance : Timeout.InfiniteTimeSpan, _time);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, allowance.Token);
            var stopping = _manager.StopAsync(stop.Token);
            await (fencing ? stopping.WaitAsync(FenceStopAllowance, _time, cancellationToken) : stopping);
        }
        catch (Exception exception) when (exception is ServiceOperationException or TimeoutException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _events.Record(AgentEventKind.ServiceExited, Name, $"did not stop in time ({reason}); ending its processes");
            await KillQuietlyAsync(cancellationToken);
        }

        var observation = _manager.Observe();
        Stopped(observation);
        _startDue = Now;
        _events.Record(AgentEventKind.ServiceStopped, Name, $"stopped: {reason}");
        return observation;
    }

    private void RequireRoleAllowsStart()
    {
        var permission = _roles.PermissionFor(Name);
        if (!permission.MayStart)
        {
            throw new ServiceOperationException($"cannot start {Name}: {permission.Reason}; move the active role with a switchover instead");
        }
    }

    /// <summary>An operator's start clears the hold, the given-up verdict and the restart budget.</summary>
    private void StartOver()
    {
        _heldByOperator = false;
        _gaveUp = null;
        _lastError = null;
        _history = RestartHistory.Empty;
        _startDue = Now;
    }

    private void Stopped(ServiceObservation observation)
    {
        _lastState = observation.State;
        _startedAt = null;
        _healthySince = null;
        _probes.Reset(Now);
    }

    private string Started(ServiceObservation observation) => IsUp(observation.State)
        ? $"started{Pid(observation)}"
        : throw new ServiceOperationException(_lastError ?? $"did not start; it is {observation.State}");

    private sealed record ControlRequest(CommandKind Kind)
    {
        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
