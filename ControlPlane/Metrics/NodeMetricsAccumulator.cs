using System.Collections.Concurrent;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Metrics;

/// <summary>
/// Every node's open minute of CPU and memory, fed by each accepted heartbeat. Recording takes one
/// lock of the node's own accumulator (uncontended: one agent speaks for a node) and allocates only
/// when a minute completes; completed minutes go to <see cref="CompletedMinutes"/> for the writer.
/// </summary>
public sealed class NodeMetricsAccumulator(TimeProvider time, CompletedMinutes completed)
{
    private readonly ConcurrentDictionary<Guid, MinuteAccumulator> _nodes = new();

    /// <summary>Counts one heartbeat's host metrics in the node's current minute.</summary>
    public void Record(Guid nodeId, HostMetrics host)
    {
        var now = time.GetUtcNow();
        var node = _nodes.GetOrAdd(nodeId, static id => new MinuteAccumulator(id));
        MetricBucket? done;
        lock (node)
        {
            done = node.Add(now, host);
        }

        if (done is not null)
        {
            completed.Add(done);
        }
    }

    /// <summary>Completes the minutes that have ended, also of nodes that went silent; returns how many.</summary>
    public int CompleteEnded()
    {
        var now = time.GetUtcNow();
        var count = 0;
        foreach (var node in _nodes.Values)
        {
            MetricBucket? done;
            lock (node)
            {
                done = node.CompleteIfEnded(now);
            }

            if (done is not null)
            {
                completed.Add(done);
                count++;
            }
        }

        return count;
    }

    /// <summary>Completes every open minute, ended or not: what is left at shutdown.</summary>
    public IReadOnlyList<MetricBucket> CompleteAll()
    {
        var all = new List<MetricBucket>();
        foreach (var node in _nodes.Values)
        {
            lock (node)
            {
                if (node.CompleteNow() is { } done)
                {
                    all.Add(done);
                }
            }
        }

        return all;
    }

    /// <summary>The node's open minute so far and the minute it completed last, either possibly null.</summary>
    public (MetricBucket? Open, MetricBucket? LastCompleted) Recent(Guid nodeId)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return (null, null);
        }

        lock (node)
        {
            return (node.Open(), node.LastCompleted);
        }
    }
}
