using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Health;
using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Nodes;

public static class NodesSetup
{
    /// <summary>The live registry of nodes and the sweep that turns silence into Suspect and Lost.</summary>
    public static IHostApplicationBuilder AddNodes(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddTimeProvider();
        builder.Services.AddOptions<LivenessPolicy>()
            .Bind(builder.Configuration.GetSection(LivenessPolicy.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LivenessPolicy>, LivenessPolicyValidator>();
        builder.Services.AddSingleton<NodeJournal>();
        builder.Services.AddSingleton(services => new NodeChangeFeed(services.GetRequiredService<TimeProvider>(), LiveViews.Coalescing));
        builder.Services.AddSingleton<NodeRegistry>();
        builder.Services.AddSingleton<MaintenanceMode>();
        builder.Services.AddHostedService<LivenessSweeper>();
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
