using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Security;
using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Agents;

public static class AgentHubSetup
{
    /// <summary>
    /// Calls of one connection the hub runs side by side: a heartbeat never waits behind an event batch
    /// or a command outcome that waits on the database (<see cref="AgentDatabaseCalls.PerConnection"/>).
    /// </summary>
    public const int ParallelCallsPerConnection = 8;

    /// <summary>
    /// The agent hub over WebSockets with the JSON protocol (the agent's: its messages' source-generated
    /// metadata first, reflection for anything else) and MessagePack (for other clients), enrolment, and
    /// agent authentication.
    /// </summary>
    public static IHostApplicationBuilder AddAgentHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgentsOptions>()
            .Bind(builder.Configuration.GetSection(AgentsOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentsOptions>, AgentsOptionsValidator>();
        builder.Services.AddSingleton<AgentConnections>();
        builder.Services.AddHostedService<AgentsShutdown>();
        builder.Services.AddSingleton<Enrollment>();
        builder.Services.AddSingleton<EnrollmentTokens>();
        builder.Services.AddSingleton<AgentDatabaseCalls>();
        builder.Services.AddSingleton<AgentSessions>();
        builder.Services.AddSingleton<AgentCredentialCheck>();
        builder.Services.AddSingleton<IAgentSessions>(services => services.GetRequiredService<AgentSessions>());
        builder.Services.AddSingleton<AgentConnectionTimes>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AgentConnectionTimes>());

        builder.Services.AddAgentAuthentication<AgentCredentialHandler>();
        builder.Services.AddAgentHubSignalR();
        return builder;
    }

    /// <summary>
    /// The agent scheme, checked by <typeparamref name="THandler"/> (here, or relayed to the deciding
    /// instance), and the policy the agent hub requires.
    /// </summary>
    internal static IServiceCollection AddAgentAuthentication<THandler>(this IServiceCollection services)
        where THandler : AuthenticationHandler<AuthenticationSchemeOptions>
    {
        // The agent scheme is used only where an endpoint asks for it, never for every request.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, THandler>(AgentCredentialHandler.SchemeName, _ => { });
        services.AddAuthorizationBuilder()
            .AddPolicy(VigilPolicies.Agent, policy => policy
                .AddAuthenticationSchemes(AgentCredentialHandler.SchemeName)
                .RequireAuthenticatedUser());
        return services;
    }

    /// <summary>SignalR for the agent hub: its protocols and limits, here and on an instance that relays agents.</summary>
    internal static IServiceCollection AddAgentHubSignalR(this IServiceCollection services)
    {
        services.AddSignalR()
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolver = JsonTypeInfoResolver.Combine(
                AgentHubJson.Default, json.PayloadSerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()))
            .AddMessagePackProtocol()
            .AddHubOptions<AgentHub>(_ => { });
        services.AddOptions<HubOptions<AgentHub>>()
            .Configure<IOptions<AgentsOptions>>((hub, agents) =>
            {
                hub.MaximumReceiveMessageSize = agents.Value.MaximumMessageBytes;
                hub.EnableDetailedErrors = false;
                hub.MaximumParallelInvocationsPerClient = ParallelCallsPerConnection;
            });
        return services;
    }

    public static IEndpointRouteBuilder MapAgentHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<AgentHub>(AgentHubEndpoint.Path, connection => connection.Transports = HttpTransportType.WebSockets);
        var agents = app.ServiceProvider.GetRequiredService<IOptions<AgentsOptions>>().Value;
        if (agents.EnrollmentToken.Length > 0)
        {
            app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentHubSetup))
                .LogWarning(
                    "Agents:EnrollmentToken is set: a standing enrollment token with unlimited uses and no expiry. " +
                    "It is a development option; in production leave it empty and create enrollment tokens under /admin/enrollment-tokens");
        }

        return app;
    }
}
