using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Failover;
using Vigil.Shared.Commands;

namespace Vigil.ControlPlane.Failover;

/// <summary>
/// Runs drills: a switchover, or a fault injection (the agent kills the active service's process and
/// treats it as failed for good, so the group must fail over). The report times detection and
/// recovery from the moment the drill acted, and says whether two members ever held the role at once.
/// </summary>
public sealed partial class DrillRunner(
    IDbContextFactory<VigilDbContext> databases,
    FailoverCoordinator coordinator,
    FailoverGroups groups,
    CommandPipeline commands,
    DrillSchedules schedules,
    DrillChangeFeed changes,
    TimeProvider time,
    ILogger<DrillRunner> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, RunningDrill> _running = new();
    private readonly Channel<(FailoverRecord Record, long At)> _ended = Channel.CreateUnbounded<(FailoverRecord, long)>();

    /// <summary>Raised when a drill has ended and its report is stored (for alerts).</summary>
    public event Action<Drill>? DrillEnded;

    /// <summary>Starts a drill; the refusal says why not (no standby, a transition or drill under way).</summary>
    public async Task<(Drill? Drill, string? Refusal)> StartAsync(Guid groupId, DrillKind kind, string trigger, CancellationToken cancellationToken)
    {
        if (coordinator.View(groupId) is not { } view)
        {
            return (null, "no such group");
        }

        var active = view.Members.FirstOrDefault(m => m.MemberId == view.Definition.ActiveMemberId);
        var refusal = _running.ContainsKey(groupId) ? "a drill of this group is running"
            : view.Pending is not null ? $"a {view.Pending.Kind} is under way"
            : active is null ? "the group has no active member"
            : !view.Members.Any(m => m.MemberId != active.MemberId && FailoverEngine.IsEligible(m)) ? "no standby is ready to take over"
            : null;
        if (refusal is not null)
        {
            return (null, refusal);
        }

        var drill = new Drill
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            GroupId = groupId,
            Kind = kind,
            Trigger = trigger,
            StartedAt = time.GetUtcNow(),
            RtoObjectiveSeconds = view.Definition.RtoObjectiveSeconds,
            Outcome = DrillOutcome.Running,
        };
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            db.Drills.Add(drill);
            await db.SaveChangesAsync(cancellationToken);
        }

        changes.Publish(groupId);

        var running = _running[groupId] = new RunningDrill(groupId, drill.Id, time.GetTimestamp(), view.Definition.Epoch, view.Definition.RtoObjectiveSeconds);
        LogDrillStarted(view.Definition.Name, kind, trigger);
        if (kind == DrillKind.Switchover)
        {
            if (groups.Switchover(groupId, null, "switchover drill").Result is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult refused)
            {
                await EndAsync(running, null, null, false, DrillOutcome.Failed, $"the switchover was refused: {refused.ProblemDetails.Detail}", null, cancellationToken);
            }
        }
        else
        {
            await commands.SubmitAsync(new NewCommand(active!.NodeId, active.Service, CommandKind.Kill, "drill"), cancellationToken);
        }

        return (drill, null);
    }

    public async Task<Drill?> FindAsync(Guid drillId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Drills.AsNoTracking().FirstOrDefaultAsync(d => d.Id == drillId, cancellationToken);
    }

    /// <summary>Drills of one group, or of every group when <paramref name="groupId"/> is null, newest first.</summary>
    public async Task<(List<Drill> Items, int Total)> ListAsync(Guid? groupId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var drills = groupId is { } id ? db.Drills.AsNoTracking().Where(d => d.GroupId == id) : db.Drills.AsNoTracking();
        var total = await drills.CountAsync(cancellationToken);
        return (await drills.OrderByDescending(d => d.StartedAt).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken), total);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // A drill under way when the control plane stopped can no longer be timed.
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            await db.Drills.Where(d => d.Outcome == DrillOutcome.Running).ExecuteUpdateAsync(
                set => set.SetProperty(d => d.Outcome, DrillOutcome.Failed)
                    .SetProperty(d => d.FinishedAt, now)
                    .SetProperty(d => d.Message, "the control plane restarted during the drill"),
                cancellationToken);
        }

        coordinator.TransitionEnded += OnTransitionEnded;
        foreach (var view in coordinator.Views())
        {
            await schedules.ScheduleAsync(view.Definition, cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        coordinator.TransitionEnded -= OnTransitionEnded;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using var tick = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, tick.Token);
            try
            {
                var (record, at) = await _ended.Reader.ReadAsync(wake.Token);
                await FinishAsync(record, at, stoppingToken);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                await TimeOutAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception exception) when (exception is DbUpdateException or System.Data.Common.DbException)
            {
                LogReportNotStored(exception.Message);
            }
        }
    }

    private void OnTransitionEnded(FailoverRecord record) => _ended.Writer.TryWrite((record, time.GetTimestamp()));

    private async Task FinishAsync(FailoverRecord record, long at, CancellationToken cancellationToken)
    {
        if (!_running.TryGetValue(record.GroupId, out var running) || record.Epoch <= running.Epoch)
        {
            return;
        }

        var completed = record.Outcome == TransitionOutcome.Completed;
        var rto = (long)time.GetElapsedTime(running.StartedAt, at).TotalMilliseconds;
        var started = await FindAsync(running.DrillId, cancellationToken);
        var detection = started is null ? (long?)null : (long)(record.DecidedAt - started.StartedAt).TotalMilliseconds;
        var passed = completed && !record.Overlap && rto <= running.ObjectiveSeconds * 1000L;
        var message = !completed ? $"the {record.Kind} failed: {record.Reason}"
            : record.Overlap ? "two members held the active role at once"
            : passed ? $"recovered in {rto} ms, within the objective of {running.ObjectiveSeconds} s"
            : $"recovered in {rto} ms, beyond the objective of {running.ObjectiveSeconds} s";
        await EndAsync(running, completed ? rto : null, detection, record.Overlap, passed ? DrillOutcome.Passed : DrillOutcome.Failed, message, record.Id, cancellationToken);
    }

    private async Task TimeOutAsync(CancellationToken cancellationToken)
    {
        foreach (var running in _running.Values)
        {
            var limit = TimeSpan.FromSeconds(Math.Max(60, running.ObjectiveSeconds * 10));
            if (time.GetElapsedTime(running.StartedAt) > limit)
            {
                await EndAsync(running, null, null, false, DrillOutcome.Failed, $"no failover completed within {limit}", null, cancellationToken);
            }
        }
    }

    private async Task EndAsync(RunningDrill running, long? rto, long? detection, bool overlap, DrillOutcome outcome, string message, long? recordId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.Drills.FirstOrDefaultAsync(d => d.Id == running.DrillId, cancellationToken) is { } drill)
        {
            drill.FinishedAt = time.GetUtcNow();
            drill.RtoMs = rto;
            drill.DetectionMs = detection;
            drill.Overlap = overlap;
            drill.Outcome = outcome;
            drill.Message = message;
            if (recordId is { } id && await db.FailoverHistory.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) is { } record)
            {
                record.DrillId = drill.Id;
            }

            await db.SaveChangesAsync(cancellationToken);
            LogDrillEnded(drill.GroupId, outcome, message);
            changes.Publish(drill.GroupId);
            DrillEnded?.Invoke(drill);
        }

        _running.TryRemove(new KeyValuePair<Guid, RunningDrill>(running.GroupId, running));
    }

    private sealed record RunningDrill(Guid GroupId, Guid DrillId, long StartedAt, long Epoch, int ObjectiveSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drill of group {Group} started: {Kind} ({Trigger})")]
    private partial void LogDrillStarted(string group, DrillKind kind, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drill of group {GroupId} ended {Outcome}: {Message}")]
    private partial void LogDrillEnded(Guid groupId, DrillOutcome outcome, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A drill report could not be stored now: {Reason}")]
    private partial void LogReportNotStored(string reason);
}
