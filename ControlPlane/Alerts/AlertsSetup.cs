using Microsoft.AspNetCore.SignalR;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Alerts.Delivery;

namespace Vigil.ControlPlane.Alerts;

public static class AlertsSetup
{
    /// <summary>Alert rules fed by node, service, metric, failover and command changes; the evaluator and its store; the channels and their delivery.</summary>
    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertOptions>()
            .Bind(builder.Configuration.GetSection(AlertOptions.Section))
            .Validate(o => !o.Problems().Any(), "The Alerts section is not valid: see the documented ranges (docs/configuration.md#alerts).")
            .ValidateOnStart();
        builder.Services.AddSingleton<AlertSignals>();
        builder.Services.AddSingleton(services => new HeartbeatSignals(
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AlertOptions>>().Value.MetricInterval));
        builder.Services.AddSingleton<AlertChangeFeed>();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddSingleton<AlertRuleStore>();
        builder.Services.AddSingleton<SilenceStore>();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AlertEvaluator>());
        builder.Services.AddHostedService<AlertSources>();
        builder.AddAlertDelivery();
        builder.Services.AddSingleton<HeartbeatAlertFilter>();
        builder.Services.AddSignalR().AddHubOptions<AgentHub>(hub => hub.AddFilter<HeartbeatAlertFilter>());
        return builder;
    }

    /// <summary>
    /// One sender per kind of channel, and delivery through Hangfire (<see cref="Jobs.JobsSetup"/>):
    /// the deliveries rows, stored with the alert change, are the record of every attempt; a job per
    /// attempt sends one and records it; the sweeper gives a job to rows that have none.
    /// </summary>
    private static void AddAlertDelivery(this IHostApplicationBuilder builder)
    {
        // No redirects: a channel's address is checked when it is saved, and a redirect would skip that check.
        // Every connection goes only to the host's addresses that are not link-local.
        builder.Services.AddHttpClient(ChannelPoster.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectCallback = ChannelAddresses.ConnectAsync });
        builder.Services.AddSingleton<ChannelPoster>();
        builder.Services.AddSingleton<IAlertChannelSender, EmailSender>();
        builder.Services.AddSingleton<IAlertChannelSender, WebhookSender>();
        builder.Services.AddSingleton<IAlertChannelSender, SlackSender>();
        builder.Services.AddSingleton<IAlertChannelSender, TeamsSender>();
        builder.Services.AddSingleton<IAlertChannelSender, DingTalkSender>();
        builder.Services.AddSingleton<IAlertChannelSender, WeComSender>();
        builder.Services.AddSingleton<AlertChannelStore>();
        builder.Services.AddSingleton<ControlPlaneAddresses>();
        builder.Services.AddSingleton<AlertDeliveryStore>();
        builder.Services.AddSingleton<AlertSender>();
        builder.Services.AddSingleton<AlertDeliveryJobs>();
        builder.Services.AddTransient<AlertDeliveryJob>();
        builder.Services.AddHostedService<AlertDeliverySweeper>();
    }
}
