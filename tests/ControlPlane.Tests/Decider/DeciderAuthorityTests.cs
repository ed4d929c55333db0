using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Decider;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Health;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Tests.Failover;
using Vigil.ControlPlane.Tests.Failover.Simulation;
using Vigil.Shared.Roles;
using Options = Microsoft.Extensions.Options.Options;

namespace Vigil.ControlPlane.Tests.Decider;

/// <summary>The coordinator grants the active role's leases, and records a planned stop's long ones, only while its instance may decide.</summary>
public sealed class DeciderAuthorityTests
{
    [Fact]
    public async Task The_active_member_gets_no_lease_while_the_instance_may_not_decide_and_gets_one_again_when_it_may()
    {
        var test = await CoordinatorUnderTest.StartAsync();
        RoleReport[] active = [new() { GroupId = test.Group.Id, Service = "web", Epoch = 4, Active = true, HoldsLease = true, ServiceUp = true }];

        Assert.Single(test.Coordinator.LeasesFor(test.Node, active, test.Clock.GetTimestamp()));
        test.Authority.MayDecide = false;
        Assert.Empty(test.Coordinator.LeasesFor(test.Node, active, test.Clock.GetTimestamp()));
        test.Authority.MayDecide = true;
        Assert.Single(test.Coordinator.LeasesFor(test.Node, active, test.Clock.GetTimestamp()));
    }

    [Fact]
    public async Task An_instance_that_may_no_longer_decide_records_no_planned_stop_lease_when_it_stops()
    {
        var test = await CoordinatorUnderTest.StartAsync();
        test.Authority.MayDecide = false;

        var handover = test.Coordinator.HandOverAsync(TestContext.Current.CancellationToken);
        while (!handover.IsCompleted)
        {
            test.Clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Yield();
        }

        await handover;
        Assert.Null(test.Group.HandoverLeaseUntil);
    }

    /// <summary>A coordinator with one group of one member, active at epoch 4, under an authority a test switches.</summary>
    private sealed record CoordinatorUnderTest(FakeTimeProvider Clock, Guid Node, FailoverGroup Group, SwitchableAuthority Authority, FailoverCoordinator Coordinator)
    {
        public static async Task<CoordinatorUnderTest> StartAsync()
        {
            var clock = new FakeTimeProvider();
            var node = Guid.NewGuid();
            var member = new FailoverGroupMember { Id = Guid.NewGuid(), NodeId = node, Service = "web", Priority = 1 };
            var group = new FailoverGroup { Id = Guid.NewGuid(), Name = "web", Isolation = IsolationPolicy.Stop, Epoch = 4, ActiveMemberId = member.Id, TermsVersion = 1, Members = [member] };
            member.GroupId = group.Id;
            var authority = new SwitchableAuthority();
            var registry = new NodeRegistry(clock, Options.Create(new LivenessPolicy()), new NodeJournal(), new NodeChangeFeed(clock, TimeSpan.FromMilliseconds(250)), NullLogger<NodeRegistry>.Instance);
            var coordinator = new FailoverCoordinator(
                new InMemoryFailoverStore(group), new NoCommands(), registry, Options.Create(FailoverWorld.Options), clock, NullLogger<FailoverCoordinator>.Instance, authority);
            await coordinator.InitializeAsync(TestContext.Current.CancellationToken);
            return new CoordinatorUnderTest(clock, node, group, authority, coordinator);
        }
    }

    private sealed class SwitchableAuthority : IDeciderAuthority
    {
        public bool MayDecide { get; set; } = true;
    }

    private sealed class NoCommands : IRoleCommandSink
    {
        public event Action<CommandFinished>? Finished
        {
            add { }
            remove { }
        }

        public Task<SubmitResult> SubmitAsync(NewCommand request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SupersedeAsync(Guid groupId, long epoch, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
