using System.Diagnostics.Metrics;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Monitoring;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Monitoring;

public sealed class LiveCountsTests
{
    [Fact]
    public void Nodes_are_counted_by_liveness_with_every_liveness_present()
    {
        var counts = Read(LiveCounts.NodesByLiveness([Node(NodeLiveness.Alive), Node(NodeLiveness.Alive), Node(NodeLiveness.Lost)]));

        Assert.Equal(new Dictionary<string, int> { ["alive"] = 2, ["suspect"] = 0, ["lost"] = 1, ["stopped"] = 0 }, counts);
    }

    [Fact]
    public void Services_of_every_node_are_counted_by_health()
    {
        var counts = Read(LiveCounts.ServicesByHealth([
            Node(NodeLiveness.Alive, ServiceHealth.Healthy, ServiceHealth.Unhealthy),
            Node(NodeLiveness.Suspect, ServiceHealth.Healthy)]));

        Assert.Equal(2, counts["healthy"]);
        Assert.Equal(1, counts["unhealthy"]);
        Assert.Equal(0, counts["degraded"]);
        Assert.Equal(Enum.GetValues<ServiceHealth>().Length, counts.Count);
    }

    [Fact]
    public void A_halted_group_is_halted_whatever_else_holds_then_a_pending_transition_then_an_active_member()
    {
        var pending = new PendingTransition { Kind = TransitionKind.Failover, Epoch = 2, ToMemberId = Guid.NewGuid() };

        Assert.Equal(GroupState.Halted, LiveCounts.StateOf(Group(halted: true, pending, active: Guid.NewGuid())));
        Assert.Equal(GroupState.Transitioning, LiveCounts.StateOf(Group(halted: false, pending, active: Guid.NewGuid())));
        Assert.Equal(GroupState.Active, LiveCounts.StateOf(Group(halted: false, pending: null, active: Guid.NewGuid())));
        Assert.Equal(GroupState.NoActive, LiveCounts.StateOf(Group(halted: false, pending: null, active: null)));
    }

    [Fact]
    public void Groups_are_counted_by_state_with_snake_case_labels()
    {
        var counts = Read(LiveCounts.GroupsByState([Group(halted: false, pending: null, active: null)]));

        Assert.Equal(new Dictionary<string, int> { ["active"] = 0, ["transitioning"] = 0, ["no_active"] = 1, ["halted"] = 0 }, counts);
    }

    private static Dictionary<string, int> Read(IEnumerable<Measurement<int>> measurements) =>
        measurements.ToDictionary(m => (string)m.Tags[0].Value!, m => m.Value);

    private static NodeStatus Node(NodeLiveness liveness, params ServiceHealth[] services) => new()
    {
        Id = Guid.NewGuid(),
        Name = "node",
        AgentVersion = "1.0",
        OperatingSystem = "test",
        ProcessorCount = 2,
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        Labels = new Dictionary<string, string>(),
        Liveness = liveness,
        LivenessReason = "test",
        LivenessChangedAt = DateTimeOffset.UnixEpoch,
        Connected = liveness == NodeLiveness.Alive,
        FirstSeenAt = DateTimeOffset.UnixEpoch,
        LastSeenAt = DateTimeOffset.UnixEpoch,
        Services = [.. services.Select((health, i) => new ServiceReport
        {
            Name = $"service-{i}",
            Kind = "process",
            State = ServiceState.Running,
            Health = health,
            Reason = "test",
        })],
    };

    private static GroupView Group(bool halted, PendingTransition? pending, Guid? active) =>
        new(new FailoverGroup { Name = "group", ActiveMemberId = active }, "status", halted, pending, []);
}
