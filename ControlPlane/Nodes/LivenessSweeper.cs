using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Health;

namespace Vigil.ControlPlane.Nodes;

/// <summary>Re-evaluates every node several times a second so silence turns into Suspect and Lost.</summary>
internal sealed class LivenessSweeper(
    NodeRegistry registry, TimeProvider time, IOptions<LivenessPolicy> policy, ILogger<LivenessSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(policy.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                registry.Sweep();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Liveness sweep failed; retrying at the next tick");
            }
        }
    }
}
