using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Agents;

public static class AgentHubSetup
{
    /// <summary>The agent hub over WebSockets with the JSON and MessagePack protocols, and agent authentication.</summary>
    public static IHostApplicationBuilder AddAgentHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AgentsOptions>()
            .Bind(builder.Configuration.GetSection(AgentsOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentsOptions>, AgentsOptionsValidator>();

        // The agent scheme is used only where an endpoint asks for it, never for every request.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, EnrollmentTokenHandler>(EnrollmentTokenHandler.SchemeName, _ => { });
        builder.Services.AddAuthorization();

        builder.Services.AddSignalR()
            .AddMessagePackProtocol()
            .AddHubOptions<AgentHub>(_ => { });
        builder.Services.AddOptions<HubOptions<AgentHub>>()
            .Configure<IOptions<AgentsOptions>>((hub, agents) =>
            {
                hub.MaximumReceiveMessageSize = agents.Value.MaximumMessageBytes;
                hub.EnableDetailedErrors = false;
            });
        return builder;
    }

    public static IEndpointRouteBuilder MapAgentHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<AgentHub>(AgentHubEndpoint.Path, connection => connection.Transports = HttpTransportType.WebSockets);
        var agents = app.ServiceProvider.GetRequiredService<IOptions<AgentsOptions>>().Value;
        if (agents.EnrollmentToken.Length == 0)
        {
            app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentHubSetup))
                .LogWarning("Agents:EnrollmentToken is not set: every agent will be refused until it is");
        }

        return app;
    }
}
