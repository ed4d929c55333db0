using Vigil.ControlPlane.Failover;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// A planned stop of the control plane, on the agents' side. The host closes every hub connection as
/// it begins to stop; agents reconnect at once while the server still listens, and their heartbeats
/// take the long leases of the failover handover. Then every connection is closed and new ones are
/// refused, so the server does not wait its shutdown timeout for agents that keep coming back.
/// </summary>
internal sealed class AgentsShutdown(FailoverCoordinator coordinator, AgentConnections connections) : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before any hosted service stops, while the server still answers heartbeats.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await coordinator.HandOverAsync(cancellationToken);
        connections.CloseAll();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
