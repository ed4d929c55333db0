using Quartz;

namespace Vigil.ControlPlane.Failover;

public static class FailoverSetup
{
    /// <summary>Failover groups: the coordinator (decisions and leases), the groups API's service, drills and their schedules.</summary>
    public static IHostApplicationBuilder AddFailover(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FailoverOptions>()
            .Bind(builder.Configuration.GetSection(FailoverOptions.Section))
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(1) && o.Lease <= TimeSpan.FromMinutes(1), "Failover:Lease must be between 00:00:01 and 00:01:00.")
            .Validate(o => o.FenceAllowance >= TimeSpan.Zero && o.FenceAllowance <= TimeSpan.FromMinutes(1), "Failover:FenceAllowance must be between 00:00:00 and 00:01:00.")
            .Validate(o => o.PlannedRestartLease >= TimeSpan.Zero && o.PlannedRestartLease <= TimeSpan.FromMinutes(10), "Failover:PlannedRestartLease must be between 00:00:00 and 00:10:00.")
            .Validate(o => o.DecisionInterval >= TimeSpan.FromMilliseconds(10) && o.DecisionInterval <= TimeSpan.FromSeconds(5), "Failover:DecisionInterval must be between 00:00:00.010 and 00:00:05.")
            .ValidateOnStart();
        builder.Services.AddSingleton<GroupStore>();
        builder.Services.AddSingleton<IFailoverStore>(services => services.GetRequiredService<GroupStore>());
        builder.Services.AddSingleton<IRoleCommandSink>(services => services.GetRequiredService<Commands.CommandPipeline>());
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
