using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Monitoring;

public static class PrometheusSetup
{
    public const string Path = "/metrics";

    /// <summary>The control plane's instruments (<see cref="VigilMetrics"/>) and their Prometheus exporter.</summary>
    public static IHostApplicationBuilder AddPrometheusMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrometheusOptions>().Bind(builder.Configuration.GetSection(PrometheusOptions.Section));
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<VigilMetrics>();
        builder.Services.AddHostedService<TransitionMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(VigilMetrics.MeterName)
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        // Meters are process-wide: where several control planes share a process, each exports only its own.
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) => metrics.AddView(instrument =>
            instrument.Meter.Name == VigilMetrics.MeterName && !ReferenceEquals(instrument.Meter.Scope, services.GetRequiredService<IMeterFactory>())
                ? MetricStreamConfiguration.Drop
                : null));
        builder.Services.AddAuthorizationBuilder().AddPolicy(MetricsAccess.Policy, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAssertion(context => context.Resource is HttpContext http && MetricsAccess.Allows(
                context.User,
                http.Connection.RemoteIpAddress,
                http.RequestServices.GetRequiredService<IOptions<PrometheusOptions>>().Value.AnonymousFromLoopback)));
        return builder;
    }

    /// <summary><c>/metrics</c> in Prometheus' text format, for the <see cref="MetricsAccess.Policy"/>.</summary>
    public static IEndpointRouteBuilder MapPrometheusMetrics(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<PrometheusOptions>>().Value.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(MetricsAccess.Policy).ExcludeFromDescription();
        }

        return app;
    }
}
