using Microsoft.Extensions.Options;
using Quartz;

namespace Vigil.ControlPlane.Failover;

public static class FailoverSetup
{
    /// <summary>Failover groups: the coordinator (decisions and leases), the groups API's service, drills and their schedules.</summary>
    public static IHostApplicationBuilder AddFailover(this IHostApplicationBuilder builder)
    {
        builder.Services.AddFailoverOptions(builder.Configuration.GetSection(FailoverOptions.Section));
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

    /// <summary>
    /// The <c>Failover</c> section: first the timings of its <c>Profile</c>, then every setting given on
    /// its own bound over them, then validated at start.
    /// </summary>
    internal static IServiceCollection AddFailoverOptions(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<FailoverOptions>()
            .Configure(options => FailoverTimings.Of(ProfileIn(section)).ApplyTo(options))
            .Bind(section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FailoverOptions>, FailoverOptionsValidator>();
        return services;
    }

    /// <summary>The profile the section names; an unknown one is refused when the section is bound and validated.</summary>
    private static FailoverProfile ProfileIn(IConfiguration section) =>
        Enum.TryParse<FailoverProfile>(section[nameof(FailoverOptions.Profile)], ignoreCase: true, out var profile) && Enum.IsDefined(profile)
            ? profile
            : FailoverProfile.Standard;
}
