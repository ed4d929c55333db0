using System.Diagnostics.Metrics;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Monitoring;

/// <summary>
/// The control plane's own instruments, exported at <c>/metrics</c>. Gauges read the live registry and
/// coordinator when scraped; the heartbeat path only records one histogram value.
/// </summary>
public sealed class VigilMetrics
{
    public const string MeterName = "Vigil.ControlPlane";

    /// <summary>Bucket bounds in seconds for a heartbeat's handling: well under a millisecond when healthy.</summary>
    private static readonly double[] HeartbeatBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    /// <summary>Bucket bounds in seconds for a failover's recovery time: from a planned switchover to a slow start.</summary>
    private static readonly double[] RecoveryBuckets = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 120, 300];

    private readonly Histogram<double> _heartbeat;
    private readonly Counter<long> _transitions;
    private readonly Histogram<double> _recovery;
    private readonly Counter<long> _deliveries;

    public VigilMetrics(IMeterFactory meters, NodeRegistry registry, FailoverCoordinator coordinator, AgentConnections connections)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("vigil.nodes", () => LiveCounts.NodesByLiveness(registry.Snapshot()), "{node}", "Nodes by liveness.");
        meter.CreateObservableGauge("vigil.services", () => LiveCounts.ServicesByHealth(registry.Snapshot()), "{service}", "Managed services by their last reported health.");
        meter.CreateObservableGauge("vigil.failover_groups", () => LiveCounts.GroupsByState(coordinator.Views()), "{group}", "Failover groups by state.");
        meter.CreateObservableGauge("vigil.hub.connections", () => connections.Count, "{connection}", "Agent connections open on the hub.");
        _heartbeat = meter.CreateHistogram("vigil.heartbeat.duration", "s", "How long the hub took to handle a heartbeat.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HeartbeatBuckets });
        _transitions = meter.CreateCounter<long>("vigil.failover.transitions", "{transition}", "Ended changes of a group's active member, by kind and outcome.");
        _recovery = meter.CreateHistogram("vigil.failover.recovery_time", "s", "Recovery time (detected to confirmed) of completed transitions, by kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RecoveryBuckets });
        _deliveries = meter.CreateCounter<long>("vigil.alert.deliveries", "{attempt}", "Alert delivery attempts, by channel kind and outcome.");
    }

    public void HeartbeatHandled(TimeSpan duration) => _heartbeat.Record(duration.TotalSeconds);

    public void TransitionEnded(FailoverRecord record)
    {
        var kind = new KeyValuePair<string, object?>("kind", Label(record.Kind.ToString()));
        _transitions.Add(1, kind, new KeyValuePair<string, object?>("outcome", Label(record.Outcome.ToString())));
        if (record is { Outcome: TransitionOutcome.Completed, RtoMs: { } rto })
        {
            _recovery.Record(rto / 1000d, kind);
        }
    }

    /// <param name="kind">Null when the channel could not be read.</param>
    public void DeliveryAttempted(AlertChannelKind? kind, string outcome) =>
        _deliveries.Add(1,
            new KeyValuePair<string, object?>("channel_kind", kind is { } known ? Label(known.ToString()) : "unknown"),
            new KeyValuePair<string, object?>("outcome", outcome));

    internal static string Label(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
