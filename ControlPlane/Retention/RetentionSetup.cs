using Microsoft.Extensions.Options;
using Quartz;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Retention;

public static class RetentionSetup
{
    /// <summary>Deletes old events, finished commands, audit entries and resolved alerts: a while after start, then every <see cref="RetentionOptions.Interval"/>.</summary>
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>()
            .Bind(builder.Configuration.GetSection(RetentionOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        builder.Services.AddSingleton<RetentionSweep>();
        builder.Services.AddSingleton<BatchedDelete>();
        var schedule = builder.Configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>() ?? new RetentionOptions();
        builder.Services.AddQuartz(quartz =>
        {
            quartz.AddJob<RetentionJob>(job => job.WithIdentity(RetentionJob.Key));
            quartz.AddTrigger(trigger => trigger
                .ForJob(RetentionJob.Key)
                .WithIdentity("retention", "maintenance")
                .StartAt(TimeProvider.System.GetUtcNow() + schedule.StartDelay)
                .WithSimpleSchedule(every => every.WithInterval(schedule.Interval).RepeatForever()));
        });
        return builder;
    }
}
