using Vigil.ControlPlane.Data.Failover;

namespace Vigil.ControlPlane.Failover;

/// <summary>What the coordinator takes from the database when the control plane starts.</summary>
public sealed partial class FailoverCoordinator
{
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var groups = await store.LoadAllAsync(cancellationToken);
        var open = await store.OpenRecordsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var recent = await store.FailoversSinceAsync(now - TimeSpan.FromDays(1), cancellationToken);
        foreach (var definition in groups)
        {
            var group = new LiveGroup(definition);
            if (definition.HandoverLeaseUntil is { } until && until > now)
            {
                group.HandoverLeaseUntil = TimestampOf(until, now);
                LogHandoverLeaseHeld(definition.Name, until);
            }
            foreach (var record in recent.Where(r => r.GroupId == definition.Id))
            {
                group.RecentFailovers.Add(TimestampOf(record.DecidedAt, now));
            }

            // A transition this control plane began before it stopped goes on where it was: at its epoch, before its Activate.
            if (open.Where(r => r.GroupId == definition.Id && r.Epoch == definition.Epoch).MaxBy(r => r.Id) is { } unfinished && group.Active is { } active)
            {
                group.Pending = new PendingTransition
                {
                    Kind = unfinished.Kind,
                    Epoch = unfinished.Epoch,
                    FromMemberId = definition.Members.FirstOrDefault(m => m.NodeId == unfinished.FromNodeId)?.Id,
                    ToMemberId = active.Id,
                };
                group.PendingRecordId = unfinished.Id;
                group.PendingDetectedAt = TimestampOf(unfinished.DetectedAt, now);
                LogResumed(definition.Name, unfinished.Kind, unfinished.Epoch);
            }

            _groups[definition.Id] = group;
        }

        foreach (var stale in open.Where(r => !_groups.TryGetValue(r.GroupId, out var g) || g.PendingRecordId != r.Id))
        {
            await store.UpdateRecordAsync(stale.Id, r =>
            {
                r.Outcome = TransitionOutcome.Failed;
                r.Reason = Shorter($"{r.Reason}; replaced by a later epoch");
            }, cancellationToken);
        }
    }
}
