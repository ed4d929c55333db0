using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Alerts;

public sealed class AlertSignalSourceTests
{
    private static readonly Guid NodeId = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(NodeLiveness.Alive, NodeLiveness.Suspect, "NodeSuspect:True")]
    [InlineData(NodeLiveness.Suspect, NodeLiveness.Lost, "NodeLost:True")]
    [InlineData(NodeLiveness.Alive, NodeLiveness.Lost, "NodeSuspect:True NodeLost:True")]
    [InlineData(NodeLiveness.Lost, NodeLiveness.Alive, "NodeSuspect:False NodeLost:False")]
    [InlineData(NodeLiveness.Suspect, NodeLiveness.Alive, "NodeSuspect:False")]
    [InlineData(NodeLiveness.Lost, NodeLiveness.Stopped, "NodeSuspect:False NodeLost:False")]
    [InlineData(NodeLiveness.Alive, NodeLiveness.Stopped, "")]
    public void A_liveness_transition_raises_each_node_condition_that_began_or_ended(NodeLiveness from, NodeLiveness to, string expected)
    {
        var signals = NodeSignals.FromLiveness(new LivenessTransition(NodeId, "web-1", from, to, Now, "heartbeat received"));

        Assert.Equal(expected, string.Join(' ', signals.Cast<ConditionObserved>().Select(s => $"{s.Condition}:{s.Holds}")));
        Assert.All(signals, s => Assert.Equal(NodeId, s.Target.NodeId));
    }

    [Fact]
    public void A_service_raises_its_health_once_when_first_seen_then_only_when_it_changes()
    {
        var watch = new HeartbeatSignals(TimeSpan.FromHours(1));

        var first = Conditions(watch.Observe(NodeId, "web-1", Beat(Build.Service("api")), Now));
        var same = Conditions(watch.Observe(NodeId, "web-1", Beat(Build.Service("api")), Now));
        var unhealthy = Conditions(watch.Observe(NodeId, "web-1", Beat(Build.Service("api", health: ServiceHealth.Unhealthy)), Now));
        var failed = Conditions(watch.Observe(NodeId, "web-1", Beat(Build.Service("api", ServiceState.Stopped, ServiceHealth.Failed) with { RestartCount = 5 }), Now));
        var recovered = Conditions(watch.Observe(NodeId, "web-1", Beat(Build.Service("api")), Now));

        Assert.Equal(["ServiceUnhealthy:False", "ServiceFailed:False"], first.Select(Label));
        Assert.Empty(same);
        Assert.Equal(["ServiceUnhealthy:True"], unhealthy.Select(Label));
        Assert.Equal(["ServiceFailed:True"], failed.Select(Label));
        Assert.Equal("the agent restarted it 5 times within its restart window, then left it alone", failed[0].Action);
        Assert.Equal("service api on node web-1 is Failed: api is Stopped", failed[0].Summary);
        Assert.Equal(["ServiceUnhealthy:False", "ServiceFailed:False"], recovered.Select(Label));
    }

    [Fact]
    public void A_service_no_longer_reported_clears_its_conditions()
    {
        var watch = new HeartbeatSignals(TimeSpan.FromHours(1));
        watch.Observe(NodeId, "web-1", Beat(Build.Service("api", health: ServiceHealth.Failed)), Now);

        var gone = Conditions(watch.Observe(NodeId, "web-1", Beat(), Now));

        Assert.Equal(["ServiceUnhealthy:False", "ServiceFailed:False"], gone.Select(Label));
    }

    [Fact]
    public void Metric_readings_are_raised_at_most_once_per_interval()
    {
        var watch = new HeartbeatSignals(TimeSpan.FromSeconds(15));
        var beat = Beat(Build.Service("api") with { WorkingSetBytes = 1_000, ThreadCount = 12 }) with
        {
            Host = new HostMetrics
            {
                CpuPercent = 42,
                MemoryTotalBytes = 1_000,
                MemoryAvailableBytes = 250,
                UptimeSeconds = 1,
                Volumes = [new VolumeReport { Name = "C:", TotalBytes = 200, FreeBytes = 10 }],
            },
        };

        var first = Readings(watch.Observe(NodeId, "web-1", beat, Now));
        var soon = Readings(watch.Observe(NodeId, "web-1", beat, Now.AddSeconds(14)));
        var later = Readings(watch.Observe(NodeId, "web-1", beat, Now.AddSeconds(15)));

        Assert.Equal(
            ["HostCpuPercent=42", "HostMemoryUsedPercent=75", "VolumeFreePercent=5", "ServiceWorkingSetBytes=1000", "ServiceThreads=12"],
            first.Select(r => $"{r.Metric}={r.Value}"));
        Assert.Equal("volume C: on node web-1", first[2].Target.Describe());
        Assert.Empty(soon);
        Assert.Equal(5, later.Count);
    }

    [Fact]
    public void A_heartbeat_whose_services_are_unchanged_raises_no_service_change_and_readings_use_the_last_list()
    {
        var watch = new HeartbeatSignals(TimeSpan.FromSeconds(15));
        watch.Observe(NodeId, "web-1", Beat(Build.Service("api", health: ServiceHealth.Failed) with { WorkingSetBytes = 1_000 }), Now);

        var unchanged = watch.Observe(NodeId, "web-1", Beat() with { ServicesUnchanged = true }, Now.AddSeconds(15));

        Assert.Empty(Conditions(unchanged));
        Assert.Contains("ServiceWorkingSetBytes=1000", Readings(unchanged).Select(r => $"{r.Metric}={r.Value}"));
    }

    [Theory]
    [InlineData(TransitionKind.Failover, TransitionOutcome.Completed, AlertCondition.FailoverCompleted)]
    [InlineData(TransitionKind.Failback, TransitionOutcome.Failed, AlertCondition.FailoverFailed)]
    [InlineData(TransitionKind.Switchover, TransitionOutcome.Completed, AlertCondition.SwitchoverCompleted)]
    [InlineData(TransitionKind.Switchover, TransitionOutcome.Failed, AlertCondition.SwitchoverFailed)]
    public void An_ended_transition_raises_completed_or_failed_with_what_vigil_did(TransitionKind kind, TransitionOutcome outcome, AlertCondition expected)
    {
        var record = new FailoverRecord
        {
            GroupId = Guid.NewGuid(),
            Kind = kind,
            Outcome = outcome,
            Service = "api",
            Epoch = 7,
            Reason = "the active member is Failed",
            RtoMs = 1_800,
        };

        var signal = Assert.IsType<ConditionObserved>(TransitionSignals.FromFailover(record, "orders", "web-1", "web-2", Now));

        Assert.Equal(expected, signal.Condition);
        Assert.Equal("group orders", signal.Target.Describe());
        Assert.Contains("from web-1 to web-2", signal.Summary, StringComparison.Ordinal);
        Assert.Contains("web-2", signal.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void An_election_raises_nothing()
    {
        var record = new FailoverRecord { Kind = TransitionKind.Election, Outcome = TransitionOutcome.Completed, Service = "api", Reason = "first" };

        Assert.Null(TransitionSignals.FromFailover(record, "orders", "-", "web-1", Now));
    }

    [Theory]
    [InlineData(CommandState.Succeeded, null)]
    [InlineData(CommandState.Sent, null)]
    [InlineData(CommandState.Failed, "restart of service api on node web-1 failed: access denied")]
    [InlineData(CommandState.TimedOut, "restart of service api on node web-1 timed out: access denied")]
    [InlineData(CommandState.Expired, "restart of service api on node web-1 expired before it reached the agent: access denied")]
    public void Only_a_command_that_failed_timed_out_or_expired_raises_a_signal(CommandState state, string? summary)
    {
        var command = new StoredCommand { NodeId = NodeId, Service = "api", Kind = "restart", Origin = "api", State = state, Message = "access denied" };

        var signal = TransitionSignals.FromCommand(command, "web-1", Now) as ConditionObserved;

        Assert.Equal(summary, signal?.Summary);
    }

    private static AgentHeartbeat Beat(params ServiceReport[] services) => new()
    {
        Sequence = 1,
        Host = new HostMetrics { CpuPercent = 1, MemoryTotalBytes = 0, MemoryAvailableBytes = 0, UptimeSeconds = 1 },
        Services = services,
    };

    private static List<ConditionObserved> Conditions(IEnumerable<AlertSignal> signals) => [.. signals.OfType<ConditionObserved>()];

    private static List<MetricObserved> Readings(IEnumerable<AlertSignal> signals) => [.. signals.OfType<MetricObserved>()];

    private static string Label(ConditionObserved signal) => $"{signal.Condition}:{signal.Holds}";
}
