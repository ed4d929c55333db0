using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Health;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Tests.Failover.Simulation;
using Vigil.ControlPlane.Tests.Live;
using Vigil.ControlPlane.Tests.Nodes;
using Vigil.Shared.Roles;
using Options = Microsoft.Extensions.Options.Options;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>The coordinator tells live views when a group moves as operators see it, and only then.</summary>
public sealed class GroupChangesTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FailoverGroupMember _active = new() { Id = Guid.NewGuid(), NodeId = Guid.NewGuid(), Service = "web", Priority = 1 };
    private readonly FailoverGroupMember _standby = new() { Id = Guid.NewGuid(), NodeId = Guid.NewGuid(), Service = "web", Priority = 2 };
    private readonly FailoverGroup _group;
    private readonly NodeRegistry _registry;
    private readonly GroupChangeFeed _changes;
    private readonly FailoverCoordinator _coordinator;

    public GroupChangesTests()
    {
        _group = new FailoverGroup { Id = Guid.NewGuid(), Name = "web", Isolation = IsolationPolicy.Stop, Epoch = 4, ActiveMemberId = _active.Id, TermsVersion = 1, Members = [_active, _standby] };
        _active.GroupId = _standby.GroupId = _group.Id;
        _registry = new NodeRegistry(_clock, Options.Create(new LivenessPolicy()), new NodeJournal(), new NodeChangeFeed(_clock, TimeSpan.FromMilliseconds(250)), NullLogger<NodeRegistry>.Instance);
        _changes = new GroupChangeFeed(_clock);
        _coordinator = new FailoverCoordinator(
            new InMemoryFailoverStore(_group), new AcceptedCommands(), _registry, Options.Create(FailoverWorld.Options), _clock, NullLogger<FailoverCoordinator>.Instance, changes: _changes);
    }

    public void Dispose() => _coordinator.Dispose();

    [Fact]
    public async Task A_group_is_published_when_first_decided_and_when_a_members_node_connects_but_not_at_decisions_that_change_nothing()
    {
        await using var batches = await FollowAsync();

        Assert.Equal([_group.Id], await BatchAfterAsync(batches, () => _coordinator.DecideAllAsync(Cancellation)));

        // Whatever the coordinator published would be in the same batch as a marker published after it.
        var marker = Guid.NewGuid();
        Assert.Equal([marker], await BatchAfterAsync(batches, async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await _coordinator.DecideAllAsync(Cancellation);
            }

            _changes.Publish(marker);
        }));

        Assert.Equal([_group.Id], await BatchAfterAsync(batches, () =>
        {
            _registry.Register(RegistryUnderTest.Registration(_standby.NodeId, "web-02"), "c2");
            return _coordinator.DecideAllAsync(Cancellation);
        }));
        Assert.True(_coordinator.View(_group.Id)!.Members.Single(m => m.MemberId == _standby.Id).Reachable);
    }

    [Fact]
    public async Task A_group_is_published_when_its_definition_changes_and_when_it_is_removed()
    {
        await using var batches = await FollowAsync();

        Assert.Equal([_group.Id], await BatchAfterAsync(batches, () =>
        {
            _coordinator.Upsert(_group);
            return Task.CompletedTask;
        }));
        Assert.Equal([_group.Id], await BatchAfterAsync(batches, () =>
        {
            _coordinator.Remove(_group.Id);
            return Task.CompletedTask;
        }));
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<IAsyncEnumerator<IReadOnlyCollection<Guid>>> FollowAsync()
    {
        await _coordinator.InitializeAsync(Cancellation);
        return _changes.WatchAsync(Cancellation).GetAsyncEnumerator(Cancellation);
    }

    private async Task<IReadOnlyCollection<Guid>> BatchAfterAsync(IAsyncEnumerator<IReadOnlyCollection<Guid>> batches, Func<Task> act)
    {
        var next = batches.MoveNextAsync().AsTask();
        await act();
        Assert.True(await FeedClock.AdvanceUntilAsync(_clock, next));
        return batches.Current;
    }

    /// <summary>A command queue that takes every role command and never answers.</summary>
    private sealed class AcceptedCommands : IRoleCommandSink
    {
        public event Action<CommandFinished>? Finished
        {
            add { }
            remove { }
        }

        public Task<SubmitResult> SubmitAsync(NewCommand request, CancellationToken cancellationToken) => Task.FromResult(new SubmitResult(
            new StoredCommand { Id = Guid.NewGuid(), NodeId = request.NodeId, Service = request.Service, Kind = request.Kind.ToString(), Origin = request.Origin },
            Replayed: false,
            KeyConflict: false));

        public Task SupersedeAsync(Guid groupId, long epoch, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
