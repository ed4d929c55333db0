using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vigil.ControlPlane.Data;

/// <summary>Ready once the database was prepared at start and while it answers now.</summary>
public sealed class DatabaseReadiness(IDbContextFactory<VigilDbContext> databases) : IHealthCheck
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private volatile bool _started;

    public void MarkStarted() => _started = true;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            return HealthCheckResult.Unhealthy("The database is being prepared.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await using var db = await databases.CreateDbContextAsync(timeout.Token);
            return await db.Database.CanConnectAsync(timeout.Token)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The database did not answer within {ProbeTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Whether the database answers now (within the probe's timeout): a writer's test of whether a failed write was refused.</summary>
    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await CheckHealthAsync(new HealthCheckContext(), cancellationToken)).Status == HealthStatus.Healthy;
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            return false;
        }
    }
}
