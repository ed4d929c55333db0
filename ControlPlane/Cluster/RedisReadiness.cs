using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// Redis, as <c>/readyz</c> and the dashboard report it: degraded, not down, while it is away. This
/// instance goes on deciding and serving the agents connected to it; what stops is the relay of the
/// agents connected to the standing-by instances (they come here instead), and commands reaching
/// agents connected elsewhere.
/// </summary>
internal sealed class RedisReadiness(RedisConnection redis, IOptions<RedisOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis.IsConnected is false
            ? HealthCheckResult.Degraded(
                $"Redis at {options.Value.Configuration} is unreachable: the standing-by control planes cannot relay agents (they connect here instead) or forward users here.")
            : HealthCheckResult.Healthy());
}
