using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Failover;

/// <summary>
/// A planned stop of the control plane (SIGTERM, Ctrl+C, a Windows service stop, an upgrade): before
/// the host stops serving, every group's active member is answered with a long lease, so no protected
/// service stops while the control plane restarts. Each long lease is recorded in the database before
/// it is given, so the control plane that starts again waits for its end before it activates another member.
/// </summary>
public sealed partial class FailoverCoordinator
{
    /// <summary>How long the stop waits for active members' next two heartbeats; agents beating slower than this may keep normal leases.</summary>
    private static readonly TimeSpan HandoverWindow = TimeSpan.FromSeconds(4);

    /// <summary>Added to the recorded end, for clocks that differ in rate a little.</summary>
    private static readonly TimeSpan HandoverMargin = TimeSpan.FromSeconds(1);

    /// <summary>Stops deciding, records and gives the long leases, and waits (at most <see cref="HandoverWindow"/>) until every active member took one.</summary>
    public async Task HandOverAsync(CancellationToken cancellationToken)
    {
        var lease = _options.PlannedRestartLease;
        if (!_loaded || lease <= TimeSpan.Zero || !MayDecide)
        {
            // An instance that may no longer decide (its decider lease could not be confirmed) gives no lease, so it
            // records none: the instance that decides next would wait for it before activating another member.
            return;
        }

        // A decision under way finishes first; none starts after.
        await _decide.WaitAsync(cancellationToken);
        _handingOver = true;
        _decide.Release();

        var started = time.GetTimestamp();
        var giving = new List<LiveGroup>();
        foreach (var group in _groups.Values.Where(g => HasActive(g)))
        {
            // Given until the window's end counted from before the write, so every lease given ends before the recorded time.
            var givenUntil = time.GetTimestamp() + (long)(HandoverWindow.TotalSeconds * time.TimestampFrequency);
            var until = time.GetUtcNow() + HandoverWindow + lease + HandoverMargin;
            try
            {
                await store.RecordHandoverLeaseAsync(group.Id, until, cancellationToken);
            }
            catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
            {
                LogHandoverNotRecorded(group.Definition.Name, exception.Message);
                continue;
            }

            lock (group)
            {
                group.LeaseOnTheWayOut = (lease, givenUntil);
            }

            giving.Add(group);
        }

        while (giving.Any(g => !TookLease(g)) && time.GetElapsedTime(started) < HandoverWindow)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }

        foreach (var group in giving)
        {
            lock (group)
            {
                group.LeaseOnTheWayOut = null;
            }
        }

        LogHandedOver(giving.Count(TookLease), _groups.Count, lease);
    }

    private static bool HasActive(LiveGroup group)
    {
        lock (group)
        {
            return group.Active is not null;
        }
    }

    /// <summary>
    /// An agent sends its next heartbeat only once the last one was answered (or its call timed out,
    /// which takes longer than the window): a second long lease given means the first one arrived.
    /// </summary>
    private static bool TookLease(LiveGroup group)
    {
        lock (group)
        {
            return group.LongLeasesGiven >= 2;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping on purpose: {Took} of {Groups} failover groups' active members hold a lease of {Lease} for the restart; the next start activates no other member before it ends")]
    private partial void LogHandedOver(int took, int groups, TimeSpan lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping on purpose, but the long lease of group {Group} could not be recorded, so it is not given; its active member's lease lapses during the restart: {Reason}")]
    private partial void LogHandoverNotRecorded(string group, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: the member active at the last planned stop may hold the long lease it got until {Until:O}; no other member is activated before then")]
    private partial void LogHandoverLeaseHeld(string group, DateTimeOffset until);
}
