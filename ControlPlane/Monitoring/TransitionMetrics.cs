using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;

namespace Vigil.ControlPlane.Monitoring;

/// <summary>Counts each transition the coordinator ends, and the recovery time of completed ones.</summary>
internal sealed class TransitionMetrics(FailoverCoordinator coordinator, VigilMetrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        coordinator.TransitionEnded += OnTransitionEnded;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        coordinator.TransitionEnded -= OnTransitionEnded;
        return Task.CompletedTask;
    }

    private void OnTransitionEnded(FailoverRecord record) => metrics.TransitionEnded(record);
}
