using Microsoft.Extensions.Options;
using Quartz;

namespace Vigil.ControlPlane.Failover;

public static class FailoverSetup
{
    /// <summary>Failover groups: the coordinator (decisions and leases), the groups API's service, drills and their schedules.</summary>
    public static IHostApplicationBuilder AddFailover(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FailoverOptions>()
            .Bind(builder.Configuration.GetSection(FailoverOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FailoverOptions>, FailoverOptionsValidator>();
        builder.Services.AddSingleton<GroupStore>();
        builder.Services.AddSingleton<IFailoverStore>(services => services.GetRequiredService<GroupStore>());
        builder.Services.AddSingleton<IRoleCommandSink>(services => services.GetRequiredService<Commands.CommandPipeline>());
        builder.Services.AddSingleton<GroupChangeFeed>();
        builder.Services.AddSingleton<DrillChangeFeed>();
        builder.Services.AddSingleton<FailoverCoordinator>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FailoverCoordinator>());
        builder.Services.AddSingleton<FailoverGroups>();
        builder.Services.AddSingleton<DrillSchedules>();
        builder.Services.AddSingleton<DrillRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DrillRunner>());
        builder.Services.AddQuartz();
        builder.Services.AddQuartzHostedService(options => options.WaitForJobsToComplete = false);
        return builder;
    }
}
