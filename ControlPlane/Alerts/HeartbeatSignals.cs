using System.Collections.Concurrent;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// Turns the heartbeats of a node into alert signals: a service's health only when it changes (and
/// once when first seen, so that alerts carried over a restart can clear), and metric readings at
/// most once per <paramref name="metricInterval"/> per node. Between changes a heartbeat costs a
/// comparison per service and raises nothing; one that says its services are unchanged costs nothing
/// for them, and the readings take the process figures of the last list the node sent.
/// </summary>
public sealed class HeartbeatSignals(TimeSpan metricInterval)
{
    private readonly ConcurrentDictionary<Guid, NodeWatch> _nodes = new();

    public IReadOnlyList<AlertSignal> Observe(Guid nodeId, string nodeName, AgentHeartbeat heartbeat, DateTimeOffset now)
    {
        var watch = _nodes.GetOrAdd(nodeId, _ => new NodeWatch());
        var signals = new List<AlertSignal>();
        lock (watch)
        {
            if (!heartbeat.ServicesUnchanged)
            {
                CompareServices(watch, nodeId, nodeName, heartbeat.Services, now, signals);
                watch.Services = heartbeat.Services;
            }

            if (now >= watch.NextReadingAt)
            {
                watch.NextReadingAt = now + metricInterval;
                Read(nodeId, nodeName, heartbeat.Host, watch.Services, now, signals);
            }
        }

        return signals;
    }

    /// <summary>Forgets a node (removed from the fleet).</summary>
    public void Forget(Guid nodeId) => _nodes.TryRemove(nodeId, out _);

    private static void CompareServices(
        NodeWatch watch, Guid nodeId, string nodeName, IReadOnlyList<ServiceReport> services, DateTimeOffset now, List<AlertSignal> signals)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var service = services[i];
            var known = watch.Health.TryGetValue(service.Name, out var before);
            if (known && before == service.Health)
            {
                continue;
            }

            watch.Health[service.Name] = service.Health;
            var target = AlertTarget.ServiceOn(nodeId, nodeName, service.Name);
            var summary = service.Health is ServiceHealth.Healthy
                ? $"service {service.Name} on node {nodeName} is Healthy again: {service.Reason}"
                : $"service {service.Name} on node {nodeName} is {service.Health}: {service.Reason}";
            var action = service.Health is ServiceHealth.Failed
                ? $"the agent restarted it {service.RestartCount} times within its restart window, then left it alone"
                : service.RestartCount > 0 ? $"the agent restarted it {service.RestartCount} times within its restart window" : null;
            Changed(AlertCondition.ServiceUnhealthy, IsUnhealthy);
            Changed(AlertCondition.ServiceFailed, health => health is ServiceHealth.Failed);

            void Changed(AlertCondition condition, Func<ServiceHealth, bool> holds)
            {
                if (!known || holds(before) != holds(service.Health))
                {
                    signals.Add(new ConditionObserved(condition, target, holds(service.Health), now, summary) { Action = action });
                }
            }
        }

        // Every reported name is in Health now, and names are unique: only a larger Health holds names no longer reported.
        if (watch.Health.Count == services.Count)
        {
            return;
        }

        foreach (var gone in watch.Health.Keys.Where(name => !services.Any(s => s.Name == name)).ToList())
        {
            watch.Health.Remove(gone);
            var target = AlertTarget.ServiceOn(nodeId, nodeName, gone);
            var summary = $"service {gone} is no longer managed on node {nodeName}";
            signals.Add(new ConditionObserved(AlertCondition.ServiceUnhealthy, target, false, now, summary));
            signals.Add(new ConditionObserved(AlertCondition.ServiceFailed, target, false, now, summary));
        }
    }

    private static bool IsUnhealthy(ServiceHealth health) => health is ServiceHealth.Unhealthy or ServiceHealth.Failed;

    private static void Read(
        Guid nodeId, string nodeName, HostMetrics? reportedHost, IReadOnlyList<ServiceReport> services, DateTimeOffset now, List<AlertSignal> signals)
    {
        if (reportedHost is { } host)
        {
            var node = AlertTarget.Node(nodeId, nodeName);
            signals.Add(new MetricObserved(AlertMetric.HostCpuPercent, node, host.CpuPercent, now));
            if (host.MemoryTotalBytes > 0)
            {
                var used = 100d * (host.MemoryTotalBytes - host.MemoryAvailableBytes) / host.MemoryTotalBytes;
                signals.Add(new MetricObserved(AlertMetric.HostMemoryUsedPercent, node, used, now));
            }

            foreach (var volume in host.Volumes.Where(v => v.TotalBytes > 0))
            {
                var free = 100d * volume.FreeBytes / volume.TotalBytes;
                signals.Add(new MetricObserved(AlertMetric.VolumeFreePercent, AlertTarget.VolumeOn(nodeId, nodeName, volume.Name), free, now));
            }
        }

        foreach (var service in services)
        {
            var target = AlertTarget.ServiceOn(nodeId, nodeName, service.Name);
            Add(AlertMetric.ServiceWorkingSetBytes, service.WorkingSetBytes);
            Add(AlertMetric.ServiceThreads, service.ThreadCount);
            Add(AlertMetric.ServiceHandles, service.HandleCount);

            void Add(AlertMetric metric, double? value)
            {
                if (value is { } reading)
                {
                    signals.Add(new MetricObserved(metric, target, reading, now));
                }
            }
        }
    }

    private sealed class NodeWatch
    {
        public Dictionary<string, ServiceHealth> Health { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset NextReadingAt { get; set; }

        /// <summary>The last service list the node sent.</summary>
        public IReadOnlyList<ServiceReport> Services { get; set; } = [];
    }
}
