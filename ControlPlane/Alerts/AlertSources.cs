using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// Listens to the control plane's own change events — a failover or switchover ended, a command
/// finished — and raises what they mean to alert rules. Node liveness comes from the
/// <see cref="NodeRegistry"/> and heartbeats from <see cref="HeartbeatAlertFilter"/>.
/// </summary>
internal sealed class AlertSources(
    FailoverCoordinator failover, CommandPipeline commands, NodeRegistry registry, AlertSignals signals, TimeProvider time) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        failover.TransitionEnded += OnTransitionEnded;
        commands.Finished += OnCommandFinished;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        failover.TransitionEnded -= OnTransitionEnded;
        commands.Finished -= OnCommandFinished;
        return Task.CompletedTask;
    }

    private void OnTransitionEnded(FailoverRecord record)
    {
        var group = failover.View(record.GroupId)?.Definition.Name ?? record.GroupId.ToString();
        var from = record.FromNodeId is { } fromId ? NodeName(fromId) : "no active member";
        if (TransitionSignals.FromFailover(record, group, from, NodeName(record.ToNodeId), time.GetUtcNow()) is { } signal)
        {
            signals.Raise(signal);
        }
    }

    private void OnCommandFinished(StoredCommand command)
    {
        if (TransitionSignals.FromCommand(command, NodeName(command.NodeId), time.GetUtcNow()) is { } signal)
        {
            signals.Raise(signal);
        }
    }

    private string NodeName(Guid nodeId) => registry.Find(nodeId)?.Name ?? nodeId.ToString();
}
