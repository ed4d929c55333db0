using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Health;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Nodes;

/// <summary>
/// The live state of every node, updated on each heartbeat. Liveness changes go to the
/// <see cref="NodeJournal"/> (for the database) and every change to the <see cref="NodeChangeFeed"/>
/// (for live views), and to <see cref="AlertSignals"/> (for alert rules). Nothing here touches the database.
/// </summary>
public sealed partial class NodeRegistry(
    TimeProvider time,
    IOptions<LivenessPolicy> policy,
    NodeJournal journal,
    NodeChangeFeed changes,
    ILogger<NodeRegistry> logger,
    AlertSignals? alerts = null)
{
    private readonly ConcurrentDictionary<Guid, LiveNode> _nodes = new();
    private readonly LivenessPolicy _policy = policy.Value;

    public int Count => _nodes.Count;

    /// <summary>
    /// Adds nodes stored before this control plane started; they start as Suspect (or Lost, or Stopped), their
    /// silence counted from now: a standby loads them when it takes over, which can be long after its process started.
    /// </summary>
    public void Load(IEnumerable<Node> stored, IReadOnlyDictionary<Guid, long>? lastEventSequences = null, IReadOnlyDictionary<Guid, long>? configVersions = null)
    {
        var loadedAt = time.GetTimestamp();
        foreach (var node in stored)
        {
            var live = LiveNode.FromStored(node, loadedAt);
            live.LastEventSequence = lastEventSequences?.GetValueOrDefault(node.Id) ?? 0;
            live.ConfigVersion = configVersions?.GetValueOrDefault(node.Id) ?? 0;
            _nodes.TryAdd(node.Id, live);
        }
    }

    public NodeStatus Register(AgentRegistration registration, string connectionId) =>
        TryRegister(registration, connectionId, out var clone)
        ?? throw new InvalidOperationException($"Node {registration.NodeId} is connected from agent instance {clone!.LiveInstanceId}.");

    /// <summary>
    /// Registers the node on <paramref name="connectionId"/>, which from now on is the only connection that
    /// speaks for it. Null, and <paramref name="clone"/> set, when another agent process holds a live
    /// connection for the node: the newer one is refused, so that one node never has two agents holding roles.
    /// </summary>
    public NodeStatus? TryRegister(AgentRegistration registration, string connectionId, out CloneRefusal? clone)
    {
        var now = time.GetUtcNow();
        var node = _nodes.GetOrAdd(registration.NodeId, _ => LiveNode.FromRegistration(registration, now));
        NodeStatus status;
        lock (node)
        {
            if (node.OtherLiveInstance(registration.InstanceId) is { } live)
            {
                clone = new CloneRefusal(node.Snapshot(), live, node.NoteRefusedInstance(registration.InstanceId));
                return null;
            }

            var transition = node.Register(registration, connectionId, time.GetTimestamp(), now);
            status = node.Snapshot();
            journal.Append(new NodeRegistered(status));
            Publish(transition);
        }

        clone = null;
        changes.Publish(node.Id);
        return status;
    }

    /// <summary>
    /// Records a heartbeat; false when the node is unknown or the connection no longer speaks for it.
    /// <paramref name="servicesWanted"/>: the heartbeat kept the services unchanged, but this connection
    /// has not sent a service list yet; the agent is to send it.
    /// </summary>
    public bool TryRecordHeartbeat(Guid nodeId, string connectionId, AgentHeartbeat heartbeat, out bool servicesWanted)
    {
        servicesWanted = false;
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return false;
        }

        lock (node)
        {
            if (!node.TryRecordHeartbeat(connectionId, heartbeat, time.GetTimestamp(), time.GetUtcNow(), out var transition, out servicesWanted))
            {
                return false;
            }

            Publish(transition);
        }

        changes.Publish(nodeId);
        return true;
    }

    /// <summary>The node's agent announced a graceful stop: it will be Stopped, not Lost.</summary>
    public void Stopping(Guid nodeId, string connectionId) =>
        ChangeLiveness(nodeId, (node, timestamp, now) => node.Stopping(connectionId, timestamp, now, time, _policy));

    /// <summary>Remembers the highest stored event sequence, which a re-registering agent continues above.</summary>
    public void EventsStored(Guid nodeId, long upTo) => Update(nodeId, node => node.LastEventSequence = Math.Max(node.LastEventSequence, upTo));

    public void ConfigurationStored(Guid nodeId, long version) => Update(nodeId, node => node.ConfigVersion = version);

    /// <summary>The node entered maintenance (or left it, with null), as stored.</summary>
    public void MaintenanceStored(Guid nodeId, NodeMaintenance? maintenance) => Update(nodeId, node => node.Maintenance = maintenance);

    /// <summary>The nodes put in maintenance, whether or not it has ended by its own end time.</summary>
    public IReadOnlyDictionary<Guid, NodeMaintenance> Maintenance() =>
        _nodes.Values.Select(n => (n.Id, n.Maintenance)).Where(n => n.Maintenance is not null).ToDictionary(n => n.Id, n => n.Maintenance!);

    public void Disconnected(Guid nodeId, string connectionId) =>
        ChangeLiveness(nodeId, (node, timestamp, now) => node.Disconnect(connectionId, timestamp, now, time, _policy));

    /// <summary>Re-evaluates every node's liveness against the clock; returns how many changed.</summary>
    public int Sweep()
    {
        var timestamp = time.GetTimestamp();
        var now = time.GetUtcNow();
        var changed = 0;
        foreach (var node in _nodes.Values)
        {
            LivenessTransition? transition;
            lock (node)
            {
                transition = node.Reevaluate(timestamp, now, time, _policy);
                Publish(transition);
            }

            if (transition is not null)
            {
                changes.Publish(node.Id);
                changed++;
            }
        }

        return changed;
    }

    public NodeStatus? Find(Guid nodeId)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return null;
        }

        lock (node)
        {
            return node.Snapshot();
        }
    }

    /// <summary>The connection to reach the node's agent on, or null while it is not connected.</summary>
    public string? ConnectionOf(Guid nodeId)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return null;
        }

        lock (node)
        {
            return node.ConnectionId;
        }
    }

    public IReadOnlyList<NodeStatus> Snapshot()
    {
        var list = new List<NodeStatus>(_nodes.Count);
        foreach (var node in _nodes.Values)
        {
            lock (node)
            {
                list.Add(node.Snapshot());
            }
        }

        return list;
    }

    /// <summary>The last-heartbeat time of every node whose latest sighting is not saved yet.</summary>
    public IReadOnlyDictionary<Guid, DateTimeOffset> TakeUnsavedLastSeen()
    {
        var unsaved = new Dictionary<Guid, DateTimeOffset>();
        foreach (var node in _nodes.Values)
        {
            lock (node)
            {
                if (node.TakeUnsavedLastSeen() is { } lastSeen)
                {
                    unsaved[node.Id] = lastSeen;
                }
            }
        }

        return unsaved;
    }

    private void ChangeLiveness(Guid nodeId, Func<LiveNode, long, DateTimeOffset, LivenessTransition?> change)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return;
        }

        lock (node)
        {
            Publish(change(node, time.GetTimestamp(), time.GetUtcNow()));
        }

        changes.Publish(nodeId);
    }

    private void Update(Guid nodeId, Action<LiveNode> change)
    {
        if (_nodes.TryGetValue(nodeId, out var node))
        {
            lock (node)
            {
                change(node);
            }

            changes.Publish(nodeId);
        }
    }

    private void Publish(LivenessTransition? transition)
    {
        if (transition is null)
        {
            return;
        }

        journal.Append(new NodeLivenessChanged(transition));
        alerts?.Raise(NodeSignals.FromLiveness(transition));
        LogTransition(transition.NodeName, transition.NodeId, transition.From, transition.To, transition.Reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeName} ({NodeId}) is now {Liveness} (was {PreviousLiveness}): {Reason}")]
    private partial void LogTransition(string nodeName, Guid nodeId, NodeLiveness previousLiveness, NodeLiveness liveness, string reason);
}

/// <summary>A registration refused because another agent process is connected for the node.</summary>
/// <param name="Node">The node as it is, with the live connection of the other process.</param>
/// <param name="LiveInstanceId">The instance id of that process.</param>
/// <param name="FirstRefusal">False when the same instance was refused just before (it retries): report it once.</param>
public sealed record CloneRefusal(NodeStatus Node, Guid LiveInstanceId, bool FirstRefusal);
