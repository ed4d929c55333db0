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

/// <summary>The coordinator grants the active role's leases only while its instance may decide.</summary>
public sealed class DeciderAuthorityTests
{
    [Fact]
    public async Task The_active_member_gets_no_lease_while_the_instance_may_not_decide_and_gets_one_again_when_it_may()
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
        RoleReport[] active = [new() { GroupId = group.Id, Service = "web", Epoch = 4, Active = true, HoldsLease = true, ServiceUp = true }];

        Assert.Single(coordinator.LeasesFor(node, active, clock.GetTimestamp()));
        authority.MayDecide = false;
        Assert.Empty(coordinator.LeasesFor(node, active, clock.GetTimestamp()));
        authority.MayDecide = true;
        Assert.Single(coordinator.LeasesFor(node, active, clock.GetTimestamp()));
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
