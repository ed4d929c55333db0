using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Health;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Tests.Nodes;

public sealed class NodeRegistryTests
{
    private static readonly Guid NodeId = Guid.Parse("7d4c2b1e-0000-4000-8000-000000000001");

    [Fact]
    public void A_registered_node_is_Alive_and_its_registration_is_journaled()
    {
        var test = new RegistryUnderTest();

        var status = test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");

        Assert.Equal(NodeLiveness.Alive, status.Liveness);
        Assert.True(status.Connected);
        var registered = Assert.IsType<NodeRegistered>(Assert.Single(test.DrainJournal()));
        Assert.Equal("web-01", registered.Node.Name);
    }

    [Fact]
    public void A_silent_node_turns_Suspect_then_Lost_and_each_change_is_journaled_in_order()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        test.DrainJournal();

        test.Elapse(TimeSpan.FromMilliseconds(1_750));
        Assert.Equal(NodeLiveness.Alive, test.LivenessOf(NodeId));
        test.Elapse(TimeSpan.FromMilliseconds(250));
        Assert.Equal(NodeLiveness.Suspect, test.LivenessOf(NodeId));
        test.Elapse(TimeSpan.FromSeconds(1));
        Assert.Equal(NodeLiveness.Lost, test.LivenessOf(NodeId));

        var transitions = test.DrainTransitions();
        Assert.Equal(
            [(NodeLiveness.Alive, NodeLiveness.Suspect), (NodeLiveness.Suspect, NodeLiveness.Lost)],
            transitions.Select(t => (t.From, t.To)));
        Assert.Equal(test.Clock.GetUtcNow(), transitions[1].At);
    }

    [Fact]
    public void Heartbeats_on_time_keep_a_node_Alive_indefinitely()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        test.DrainJournal();

        for (var sequence = 1; sequence <= 100; sequence++)
        {
            test.Elapse(TimeSpan.FromSeconds(1));
            Assert.True(test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(sequence), out _));
        }

        Assert.Equal(NodeLiveness.Alive, test.LivenessOf(NodeId));
        Assert.Empty(test.DrainTransitions());
    }

    [Fact]
    public void A_heartbeat_brings_a_Lost_node_back_to_Alive_at_once()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        test.Elapse(TimeSpan.FromSeconds(5));
        test.DrainJournal();

        Assert.True(test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(1, cpu: 42), out _));

        var node = test.Registry.Find(NodeId)!;
        Assert.Equal(NodeLiveness.Alive, node.Liveness);
        Assert.Equal(42, node.Host!.CpuPercent);
        var transition = Assert.Single(test.DrainTransitions());
        Assert.Equal((NodeLiveness.Lost, NodeLiveness.Alive), (transition.From, transition.To));
    }

    [Fact]
    public void A_closed_connection_makes_the_node_Suspect_at_once_and_Lost_after_one_interval()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");

        test.Registry.Disconnected(NodeId, "c1");
        Assert.Equal(NodeLiveness.Suspect, test.LivenessOf(NodeId));
        Assert.False(test.Registry.Find(NodeId)!.Connected);

        test.Elapse(TimeSpan.FromMilliseconds(750));
        Assert.Equal(NodeLiveness.Suspect, test.LivenessOf(NodeId));
        test.Elapse(TimeSpan.FromMilliseconds(250));
        Assert.Equal(NodeLiveness.Lost, test.LivenessOf(NodeId));
    }

    [Fact]
    public void Reconnecting_within_the_interval_keeps_the_node_from_being_Lost()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        test.Registry.Disconnected(NodeId, "c1");
        test.Elapse(TimeSpan.FromMilliseconds(500));

        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c2");
        test.Elapse(TimeSpan.FromMilliseconds(900));

        Assert.Equal(NodeLiveness.Alive, test.LivenessOf(NodeId));
        Assert.DoesNotContain(test.DrainTransitions(), t => t.To == NodeLiveness.Lost);
    }

    [Fact]
    public void An_old_connection_no_longer_speaks_for_a_node_that_registered_again()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "old");
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "new");

        Assert.False(test.Registry.TryRecordHeartbeat(NodeId, "old", RegistryUnderTest.Heartbeat(1), out _));
        test.Registry.Disconnected(NodeId, "old");

        Assert.True(test.Registry.Find(NodeId)!.Connected);
        Assert.Equal(NodeLiveness.Alive, test.LivenessOf(NodeId));
    }

    [Fact]
    public void A_heartbeat_for_an_unknown_node_is_refused()
    {
        var test = new RegistryUnderTest();

        Assert.False(test.Registry.TryRecordHeartbeat(Guid.NewGuid(), "c1", RegistryUnderTest.Heartbeat(1), out _));
    }

    [Fact]
    public void Stored_nodes_start_Suspect_and_turn_Lost_only_after_the_startup_grace()
    {
        var test = new RegistryUnderTest(new LivenessPolicy { StartupGrace = TimeSpan.FromSeconds(10) });
        var alive = Guid.NewGuid();
        var lost = Guid.NewGuid();

        test.Registry.Load([RegistryUnderTest.Stored(alive, NodeLiveness.Alive), RegistryUnderTest.Stored(lost, NodeLiveness.Lost)]);

        Assert.Equal(NodeLiveness.Suspect, test.LivenessOf(alive));
        Assert.Equal(NodeLiveness.Lost, test.LivenessOf(lost));
        test.Elapse(TimeSpan.FromSeconds(9.75));
        Assert.Equal(NodeLiveness.Suspect, test.LivenessOf(alive));
        test.Elapse(TimeSpan.FromSeconds(0.25));
        Assert.Equal(NodeLiveness.Lost, test.LivenessOf(alive));
    }

    [Fact]
    public void The_startup_grace_of_stored_nodes_counts_from_their_loading_as_a_standby_loads_them_when_it_takes_over()
    {
        var test = new RegistryUnderTest(new LivenessPolicy { StartupGrace = TimeSpan.FromSeconds(10) });
        var alive = Guid.NewGuid();
        test.Elapse(TimeSpan.FromMinutes(5));

        test.Registry.Load([RegistryUnderTest.Stored(alive, NodeLiveness.Alive)]);
        test.Registry.Sweep();

        Assert.Equal(NodeLiveness.Suspect, test.LivenessOf(alive));
        test.Elapse(TimeSpan.FromSeconds(9.75));
        Assert.Equal(NodeLiveness.Suspect, test.LivenessOf(alive));
        test.Elapse(TimeSpan.FromSeconds(0.25));
        Assert.Equal(NodeLiveness.Lost, test.LivenessOf(alive));
    }

    [Fact]
    public void A_stored_node_whose_agent_reconnects_is_Alive()
    {
        var test = new RegistryUnderTest();
        test.Registry.Load([RegistryUnderTest.Stored(NodeId, NodeLiveness.Lost)]);

        test.Registry.Register(RegistryUnderTest.Registration(NodeId, name: "renamed-01"), "c1");

        var node = test.Registry.Find(NodeId)!;
        Assert.Equal(NodeLiveness.Alive, node.Liveness);
        Assert.Equal("renamed-01", node.Name);
        Assert.Equal(DateTimeOffset.UnixEpoch, node.FirstSeenAt);
    }

    [Fact]
    public void The_time_of_the_last_heartbeat_is_handed_out_once_per_change()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        test.Clock.Advance(TimeSpan.FromSeconds(1));
        test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(1), out _);

        var first = test.Registry.TakeUnsavedLastSeen();
        var second = test.Registry.TakeUnsavedLastSeen();

        Assert.Equal(test.Clock.GetUtcNow(), first[NodeId]);
        Assert.Empty(second);
    }

    [Fact]
    public void Nodes_loaded_from_the_database_have_nothing_unsaved()
    {
        var test = new RegistryUnderTest();
        test.Registry.Load([RegistryUnderTest.Stored(NodeId, NodeLiveness.Alive)]);

        Assert.Empty(test.Registry.TakeUnsavedLastSeen());
    }

    [Fact]
    public void A_graceful_stop_leaves_the_node_Stopped_and_a_heartbeat_brings_it_back()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");

        test.Registry.Stopping(NodeId, "c1");
        test.Registry.Disconnected(NodeId, "c1");
        test.Elapse(TimeSpan.FromMinutes(1));
        Assert.Equal(NodeLiveness.Stopped, test.LivenessOf(NodeId));

        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c2");
        Assert.Equal(NodeLiveness.Alive, test.LivenessOf(NodeId));
        Assert.Equal(
            [(NodeLiveness.Alive, NodeLiveness.Stopped), (NodeLiveness.Stopped, NodeLiveness.Alive)],
            test.DrainTransitions().Select(t => (t.From, t.To)));
    }

    [Fact]
    public void A_stop_announced_on_a_stale_connection_is_ignored()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "old");
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "new");

        test.Registry.Stopping(NodeId, "old");

        Assert.Equal(NodeLiveness.Alive, test.LivenessOf(NodeId));
    }

    [Fact]
    public void Heartbeats_carry_the_service_reports_into_the_snapshot()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        var report = new Vigil.Shared.Messages.ServiceReport
        {
            Name = "web",
            Kind = "process",
            State = Vigil.Shared.Services.ServiceState.Running,
            Health = Vigil.Shared.Services.ServiceHealth.Healthy,
            Reason = "running",
        };

        test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(1) with { Services = [report] }, out _);

        Assert.Equal([report], test.Registry.Find(NodeId)!.Services);
    }

    [Fact]
    public void A_heartbeat_whose_services_are_unchanged_keeps_the_services_exactly_as_they_were()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        IReadOnlyList<Vigil.Shared.Messages.ServiceReport> services = [Service("web"), Service("db")];
        test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(1) with { Services = services }, out _);

        Assert.True(test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(2, cpu: 55) with { ServicesUnchanged = true }, out var wanted));

        var node = test.Registry.Find(NodeId)!;
        Assert.Same(services, node.Services);
        Assert.Equal(55, node.Host!.CpuPercent);
        Assert.False(wanted);
    }

    [Fact]
    public void A_heartbeat_with_a_list_replaces_the_services_as_every_heartbeat_of_older_agents_does()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(1) with { Services = [Service("web"), Service("db")] }, out _);

        test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(2) with { Services = [] }, out var wanted);

        Assert.Empty(test.Registry.Find(NodeId)!.Services);
        Assert.False(wanted);
    }

    [Fact]
    public void A_connection_that_says_unchanged_before_sending_a_list_is_asked_for_it_and_the_services_stay()
    {
        var test = new RegistryUnderTest();
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c1");
        IReadOnlyList<Vigil.Shared.Messages.ServiceReport> services = [Service("web")];
        test.Registry.TryRecordHeartbeat(NodeId, "c1", RegistryUnderTest.Heartbeat(1) with { Services = services }, out _);
        test.Registry.Register(RegistryUnderTest.Registration(NodeId), "c2");

        test.Registry.TryRecordHeartbeat(NodeId, "c2", RegistryUnderTest.Heartbeat(2) with { ServicesUnchanged = true }, out var wantedFirst);
        test.Registry.TryRecordHeartbeat(NodeId, "c2", RegistryUnderTest.Heartbeat(3) with { Services = services }, out _);
        test.Registry.TryRecordHeartbeat(NodeId, "c2", RegistryUnderTest.Heartbeat(4) with { ServicesUnchanged = true }, out var wantedAfter);

        Assert.True(wantedFirst);
        Assert.False(wantedAfter);
        Assert.Same(services, test.Registry.Find(NodeId)!.Services);
    }

    private static Vigil.Shared.Messages.ServiceReport Service(string name) => new()
    {
        Name = name,
        Kind = "process",
        State = Vigil.Shared.Services.ServiceState.Running,
        Health = Vigil.Shared.Services.ServiceHealth.Healthy,
        Reason = "running",
    };
}
