using System.Collections.Concurrent;
using Vigil.Agent.Supervision.Machine;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Supervision;

/// <summary>Operator commands, nudges and waits on reports: how the rest of the agent talks to one supervised service.</summary>
public sealed partial class SupervisedService
{
    private readonly ConcurrentQueue<OperatorRequest> _incoming = new();
    private readonly ConcurrentQueue<long> _withdrawn = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string>> _answers = new();
    private long _lastRequestId;

    /// <summary>Look again now: the service's role changed or its lease ended.</summary>
    public void Nudge() => _nudges.Writer.TryWrite(true);

    /// <summary>
    /// Carries out an operator's or a drill's command on the supervision loop; returns what happened.
    /// Cancelled, the command is withdrawn: what of it has not begun yet (a start waiting for the lease
    /// of an active member) is not done later.
    /// </summary>
    public async Task<string> ControlAsync(CommandKind kind, CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            throw new ServiceOperationException($"{Name} is no longer supervised");
        }

        var request = new OperatorRequest(Interlocked.Increment(ref _lastRequestId), kind);
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[request.Id] = answer;
        _incoming.Enqueue(request);
        Nudge();
        try
        {
            return await answer.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _answers.TryRemove(request.Id, out _);
            _withdrawn.Enqueue(request.Id);
            Nudge();
            throw;
        }
    }

    /// <summary>
    /// Completes once a step that saw the roles forbid a start found the service stopped with no
    /// operation under way (no start about to bring it up): it stays down until a role allows a start
    /// again. A report that merely says Stopped may predate the role's change, or a start just begun.
    /// </summary>
    public Task<ServiceReport> WaitUntilHeldStoppedAsync(CancellationToken cancellationToken) =>
        WaitForReportAsync(_ => _heldStopped, cancellationToken);

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

    /// <summary>Hands the commands that arrived since the last step to the machine, and withdraws those nobody waits for any more.</summary>
    private void TakeRequests()
    {
        while (_incoming.TryDequeue(out var request))
        {
            _state = SupervisionMachine.Enqueue(_state, request);
        }

        while (_withdrawn.TryDequeue(out var requestId))
        {
            _state = SupervisionMachine.Withdraw(_state, requestId);
        }
    }

    private void CompleteRequest(SupervisionEffect.Complete complete)
    {
        if (!_answers.TryRemove(complete.RequestId, out var answer))
        {
            return;
        }

        if (complete.Message is { } message)
        {
            answer.TrySetResult(message);
        }
        else
        {
            answer.TrySetException(new ServiceOperationException(complete.Error ?? "failed"));
        }
    }

    private void FailRequests(string why)
    {
        foreach (var answer in _answers.Values)
        {
            answer.TrySetException(new ServiceOperationException(why));
        }

        _answers.Clear();
    }
}
