using System.Collections.Concurrent;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// Listens to the control plane's own change events — a failover or switchover ended, a group's
/// decision (halted, without an active member, fencing), a drill ended, a command finished, an agent
/// enrolled or was approved — and raises what they mean to alert rules. Node liveness comes from the
/// <see cref="NodeRegistry"/> and heartbeats from <see cref="HeartbeatAlertFilter"/>.
/// </summary>
internal sealed class AlertSources(
    FailoverCoordinator failover,
    DrillRunner drills,
    CommandPipeline commands,
    Enrollment enrollment,
    NodeRegistry registry,
    AlertSignals signals,
    TimeProvider time) : IHostedService
{
    /// <summary>Each group's lasting conditions as last raised: only their changes are raised, not every decision.</summary>
    private readonly ConcurrentDictionary<Guid, GroupConditions> _groups = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        failover.TransitionEnded += OnTransitionEnded;
        failover.Decided += OnDecided;
        drills.DrillEnded += OnDrillEnded;
        commands.Finished += OnCommandFinished;
        enrollment.AgentChanged += OnAgentChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        failover.TransitionEnded -= OnTransitionEnded;
        failover.Decided -= OnDecided;
        drills.DrillEnded -= OnDrillEnded;
        commands.Finished -= OnCommandFinished;
        enrollment.AgentChanged -= OnAgentChanged;
        return Task.CompletedTask;
    }

    private void OnTransitionEnded(FailoverRecord record)
    {
        var group = GroupName(record.GroupId);
        var from = record.FromNodeId is { } fromId ? NodeName(fromId) : "no active member";
        if (TransitionSignals.FromFailover(record, group, from, NodeName(record.ToNodeId), time.GetUtcNow()) is { } signal)
        {
            signals.Raise(signal);
        }
    }

    private void OnDecided(GroupDecided decided)
    {
        var now = time.GetUtcNow();
        var snapshot = decided.Snapshot;
        var conditions = GroupSignals.Of(snapshot, decided.Decisions);
        var before = _groups.TryGetValue(snapshot.GroupId, out var last) ? last : null;
        if (before is null || before.Halted != conditions.Halted || before.WithoutActive != conditions.WithoutActive)
        {
            _groups[snapshot.GroupId] = conditions;
            signals.Raise(GroupSignals.Changes(before, conditions, snapshot.GroupId, snapshot.Name, now));
        }

        signals.Raise(GroupSignals.Fencing(decided, now));
    }

    private void OnDrillEnded(Drill drill)
    {
        if (GroupSignals.FromDrill(drill, GroupName(drill.GroupId), time.GetUtcNow()) is { } signal)
        {
            signals.Raise(signal);
        }
    }

    private void OnCommandFinished(CommandFinished finished)
    {
        var command = finished.Command;
        if (TransitionSignals.FromCommand(command, NodeName(command.NodeId), time.GetUtcNow()) is { } signal)
        {
            signals.Raise(signal);
        }
    }

    private void OnAgentChanged(AgentStateChange change) => signals.Raise(AgentSignals.FromChange(change));

    private string GroupName(Guid groupId) => failover.View(groupId)?.Definition.Name ?? groupId.ToString();

    private string NodeName(Guid nodeId) => registry.Find(nodeId)?.Name ?? nodeId.ToString();
}
