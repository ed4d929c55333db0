using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Agents;

namespace Vigil.ControlPlane.Metrics;

public static class MetricsSetup
{
    /// <summary>Node CPU and memory history: the heartbeat accumulator, its writer and rollups, and the reader.</summary>
    public static IHostApplicationBuilder AddMetricsHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .Bind(builder.Configuration.GetSection(MetricsOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        builder.Services.AddSingleton(services => new CompletedMinutes(services.GetRequiredService<IOptions<MetricsOptions>>().Value.MaxPendingMinutes));
        builder.Services.AddSingleton<NodeMetricsAccumulator>();
        builder.Services.AddSingleton<MetricRollupStore>();
        builder.Services.AddSingleton<NodeMetricsHistory>();
        builder.Services.AddSingleton<HeartbeatMetricsFilter>();
        builder.Services.AddSignalR().AddHubOptions<AgentHub>(hub => hub.AddFilter<HeartbeatMetricsFilter>());
        builder.Services.AddHostedService<MetricRollupWriter>();
        return builder;
    }
}
