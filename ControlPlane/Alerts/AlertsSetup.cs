using Microsoft.AspNetCore.SignalR;
using Vigil.ControlPlane.Agents;

namespace Vigil.ControlPlane.Alerts;

public static class AlertsSetup
{
    /// <summary>Alert rules fed by node, service, metric, failover and command changes; the evaluator and its store.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertOptions>()
            .Bind(builder.Configuration.GetSection(AlertOptions.Section))
            .Validate(o => !o.Problems().Any(), "The Alerts section is not valid: see the documented ranges (docs/configuration.md#alerts).")
            .ValidateOnStart();
        builder.Services.AddSingleton<AlertSignals>();
        builder.Services.AddSingleton(services => new HeartbeatSignals(
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AlertOptions>>().Value.MetricInterval));
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AlertEvaluator>());
        builder.Services.AddHostedService<AlertSources>();
        builder.Services.AddSingleton<HeartbeatAlertFilter>();
        builder.Services.AddSignalR().AddHubOptions<AgentHub>(hub => hub.AddFilter<HeartbeatAlertFilter>());
        return builder;
    }
}
