using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Decider;
using Vigil.ControlPlane.Security;
using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// While this instance stands by for the decider lease, it serves the agent hub on its own addresses
/// and relays every agent call to the deciding instance (<see cref="RelayedAgentSessions"/>); commands
/// and configuration notices reach those agents through the Redis backplane. Every other request (the
/// dashboard, the API, enrolment, <c>/readyz</c>) is forwarded to the deciding instance
/// (<see cref="DeciderForwarder"/>), so users may be sent to any instance. When this
/// instance takes the lease over, the relay stops first (its agents connect again and register with
/// the instance that now decides, this one once it listens) and the control plane starts as usual.
/// </summary>
internal sealed partial class RelayHost(
    IConfiguration configuration,
    RedisConnection redis,
    IOptions<RedisOptions> options,
    IOptions<AgentsOptions> agents,
    ILoggerFactory loggers,
    TimeProvider time,
    ILogger<RelayHost> logger) : IStandbyDuty
{
    private const string StandingBy = "Standing by: this control plane relays agents and forwards users to the deciding one; its metrics are that one's.";
    private WebApplication? _app;

    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await redis.ConnectNewAsync(cancellationToken);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            builder.WebHost.UseUrls(urls);
        }

        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => connection);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Value);
        builder.AddVigilReverseProxy();
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<DeciderForwarder>();
        builder.Services.AddSingleton<DeciderRelay>();
        builder.Services.AddSingleton<IAgentSessions, RelayedAgentSessions>();
        builder.Services.AddAgentAuthentication<RelayedCredentialHandler>();
        builder.Services.AddSingleton(agents);
        builder.Services.AddAgentHubSignalR();
        builder.Services.AddAgentHubBackplane(_ => Task.FromResult<IConnectionMultiplexer>(connection));

        var app = builder.Build();
        await app.Services.GetRequiredService<DeciderRelay>().StartAsync();
        app.UseVigilForwardedHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", () => Results.Text("standing by"));
        app.MapHub<AgentHub>(AgentHubEndpoint.Path, hub => hub.Transports = HttpTransportType.WebSockets);

        // Scraped here, the deciding instance's metrics would be counted twice.
        app.MapGet(Monitoring.PrometheusSetup.Path, () => Results.Text(StandingBy, statusCode: StatusCodes.Status503ServiceUnavailable));

        // Everything else (readiness, the dashboard, the API, enrolment, static files) is the deciding instance's.
        var forwarder = app.Services.GetRequiredService<DeciderForwarder>();
        app.Map("/{**path}", forwarder.ForwardAsync);
        await app.StartAsync(cancellationToken);
        _app = app;
        LogRelaying(string.Join(", ", app.Urls));
    }

    public async Task EndAsync()
    {
        if (_app is not { } app)
        {
            return;
        }

        _app = null;
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
        LogStopped();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Standing by, and relaying the agents that connect here to the deciding control plane on {Urls}")]
    private partial void LogRelaying(string urls);

    [LoggerMessage(Level = LogLevel.Information, Message = "The agent relay stopped: this control plane takes the decider lease over")]
    private partial void LogStopped();
}
