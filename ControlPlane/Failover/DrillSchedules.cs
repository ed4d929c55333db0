using Quartz;
using Vigil.ControlPlane.Data.Failover;

namespace Vigil.ControlPlane.Failover;

/// <summary>Keeps one Quartz job per group with a drill schedule (cron, UTC).</summary>
public sealed class DrillSchedules(ISchedulerFactory schedulers)
{
    public const string GroupIdKey = "groupId";

    public async Task ScheduleAsync(FailoverGroup group, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = KeyOf(group.Id);
        await scheduler.DeleteJob(key, cancellationToken);
        if (group.DrillSchedule is null)
        {
            return;
        }

        var job = JobBuilder.Create<DrillJob>().WithIdentity(key).UsingJobData(GroupIdKey, group.Id.ToString()).Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"drill-{group.Id}", "drills")
            .WithCronSchedule(group.DrillSchedule, cron => cron.InTimeZone(TimeZoneInfo.Utc))
            .Build();
        await scheduler.ScheduleJob(job, trigger, default, cancellationToken);
    }

    public async Task UnscheduleAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.DeleteJob(KeyOf(groupId), cancellationToken);
    }

    private static JobKey KeyOf(Guid groupId) => new($"drill-{groupId}", "drills");
}

/// <summary>A scheduled drill: runs the group's drill kind, unless one is running already.</summary>
[DisallowConcurrentExecution]
public sealed partial class DrillJob(DrillRunner drills, FailoverCoordinator coordinator, ILogger<DrillJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(DrillSchedules.GroupIdKey), out var groupId) || coordinator.View(groupId) is not { } view)
        {
            return;
        }

        var (_, refusal) = await drills.StartAsync(groupId, view.Definition.DrillKind, "schedule", cancellationToken);
        if (refusal is not null)
        {
            LogScheduledDrillRefused(view.Definition.Name, refusal);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled drill of group {Group} did not start: {Reason}")]
    private partial void LogScheduledDrillRefused(string group, string reason);
}
