using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Decider;

namespace Vigil.ControlPlane.Cluster;

public static class ClusterSetup
{
    /// <summary>
    /// The <c>Redis</c> section. Set: the SignalR backplane (a command reaches its agent whichever
    /// instance holds the connection), relayed calls answered while this instance decides, and the
    /// agent relay while it stands by. Call it after <c>AddDeciderLease</c> and <c>AddAgentHub</c>.
    /// </summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>()
            .Bind(builder.Configuration.GetSection(RedisOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        if (!RedisOptions.IsSetIn(builder.Configuration))
        {
            return builder;
        }

        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddHealthChecks().AddCheck<RedisReadiness>("redis", tags: ["ready"]);
        builder.Services.AddSingleton<IStandbyDuty, RelayHost>();
        builder.Services.AddSingleton<DeciderCallServer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeciderCallServer>());
        builder.Services.AddHostedService<DeciderAddressAnnouncer>();
        builder.Services.AddAgentHubBackplane(async services => await services.GetRequiredService<RedisConnection>().ConnectAsync(CancellationToken.None));
        return builder;
    }
}
