using Microsoft.Extensions.Logging.Abstractions;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Health;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>
/// The control plane of an instance that took the decider lease over: the real <see cref="NodeRegistry"/>
/// and <see cref="FailoverCoordinator"/>, built then and loaded from the shared store, as after a
/// restart; the coordinator asks the instance whether it may decide. Commands go to the shared table.
/// </summary>
internal sealed class DecidingView : IRoleCommandSink
{
    private readonly CommandTable _commands;

    public DecidingView(SimulatedInstance instance, InMemoryFailoverStore store, CommandTable commands, FailoverOptions settings)
    {
        Instance = instance;
        Run = instance.Run;
        _commands = commands;
        Registry = new NodeRegistry(instance.Clock, Microsoft.Extensions.Options.Options.Create(new LivenessPolicy()), new NodeJournal(), new NodeChangeFeed(instance.Clock, TimeSpan.FromMilliseconds(250)), NullLogger<NodeRegistry>.Instance);
        Coordinator = new FailoverCoordinator(store, this, Registry, Microsoft.Extensions.Options.Options.Create(settings), instance.Clock, NullLogger<FailoverCoordinator>.Instance, instance);
    }

    public event Action<CommandFinished>? Finished;

    public SimulatedInstance Instance { get; }

    public int Run { get; }

    public NodeRegistry Registry { get; }

    public FailoverCoordinator Coordinator { get; }

    /// <summary>Its process still runs.</summary>
    public bool Serving => Instance.Alive && Instance.Run == Run;

    public Task<SubmitResult> SubmitAsync(NewCommand request, CancellationToken cancellationToken) => Task.FromResult(_commands.Submit(request));

    public Task SupersedeAsync(Guid groupId, long epoch, CancellationToken cancellationToken)
    {
        _commands.Supersede(groupId, epoch);
        return Task.CompletedTask;
    }

    public void Report(CommandFinished finished) => Finished?.Invoke(finished);
}
