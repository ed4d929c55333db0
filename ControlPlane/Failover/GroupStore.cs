using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Events;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Failover;

/// <summary>The database side of failover groups: definitions, epochs, history.</summary>
public sealed class GroupStore(IDbContextFactory<VigilDbContext> databases, NodeRegistry registry) : IFailoverStore
{
    public async Task<List<FailoverGroup>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.FailoverGroups.AsNoTracking().Include(g => g.Members).OrderBy(g => g.Name).ToListAsync(cancellationToken);
    }

    public async Task<FailoverGroup?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.FailoverGroups.AsNoTracking().Include(g => g.Members).FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
    }

    public async Task<bool> NameTakenAsync(string name, Guid? except, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.FailoverGroups.AnyAsync(g => g.Name == name && g.Id != except, cancellationToken);
    }

    /// <summary>Members of other groups among these (node, service) pairs: a service belongs to one group at most.</summary>
    public async Task<List<FailoverGroupMember>> MembersElsewhereAsync(Guid groupId, IEnumerable<Guid> nodeIds, CancellationToken cancellationToken)
    {
        var nodes = nodeIds.ToList();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.FailoverGroupMembers.AsNoTracking().Where(m => m.GroupId != groupId && nodes.Contains(m.NodeId)).ToListAsync(cancellationToken);
    }

    public async Task AddAsync(FailoverGroup group, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            await EnsureNodesAsync(db, group, cancellationToken);
            db.FailoverGroups.Add(group);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                // The state writer stored a member's node meanwhile: look again.
            }
        }
    }

    /// <summary>Replaces the policy and members; false when the epoch moved meanwhile (a failover ran).</summary>
    public async Task<bool> ReplaceAsync(FailoverGroup changed, long expectedEpoch, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.FailoverGroups.Include(g => g.Members).FirstOrDefaultAsync(g => g.Id == changed.Id, cancellationToken);
        if (stored is null || stored.Epoch != expectedEpoch)
        {
            return false;
        }

        await EnsureNodesAsync(db, changed, cancellationToken);
        stored.Name = changed.Name;
        stored.Description = changed.Description;
        if (changed.Isolation == IsolationPolicy.Stop && stored.Isolation != IsolationPolicy.Stop)
        {
            stored.StopSinceTermsVersion = stored.TermsVersion + 1;
        }

        stored.Isolation = changed.Isolation;
        stored.Failback = changed.Failback;
        stored.FailbackAfterSeconds = changed.FailbackAfterSeconds;
        stored.FailbackWindowStartHour = changed.FailbackWindowStartHour;
        stored.FailbackWindowEndHour = changed.FailbackWindowEndHour;
        stored.CooldownSeconds = changed.CooldownSeconds;
        stored.MaxFailovers = changed.MaxFailovers;
        stored.MaxFailoversPeriodSeconds = changed.MaxFailoversPeriodSeconds;
        stored.RtoObjectiveSeconds = changed.RtoObjectiveSeconds;
        stored.DrillSchedule = changed.DrillSchedule;
        stored.DrillKind = changed.DrillKind;
        stored.UpdatedAt = changed.UpdatedAt;
        stored.TermsVersion++;

        // A member keeps its id (the active member is named by it) as long as its node and service stay.
        static bool Same(FailoverGroupMember a, FailoverGroupMember b) => a.NodeId == b.NodeId && a.Service.Equals(b.Service, StringComparison.OrdinalIgnoreCase);
        stored.Members.RemoveAll(m => !changed.Members.Any(c => Same(c, m)));
        foreach (var member in changed.Members)
        {
            if (stored.Members.FirstOrDefault(m => Same(m, member)) is { } kept)
            {
                kept.Priority = member.Priority;
                member.Id = kept.Id;
            }
            else
            {
                stored.Members.Add(member);
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>A member's node that registered a moment ago may not have its row yet.</summary>
    private async Task EnsureNodesAsync(VigilDbContext db, FailoverGroup group, CancellationToken cancellationToken)
    {
        foreach (var nodeId in group.Members.Select(m => m.NodeId).Distinct())
        {
            await NodeRows.EnsureAsync(db, registry.Find(nodeId), cancellationToken);
        }
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.FailoverGroups.Where(g => g.Id == id).ExecuteDeleteAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Stores the next epoch with its active member and opens the transition's history row, in one
    /// transaction. Null when another decider moved the epoch first (optimistic concurrency).
    /// </summary>
    public async Task<FailoverRecord?> BeginAsync(Guid groupId, long fromEpoch, Guid activeMemberId, FailoverRecord record, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var group = await db.FailoverGroups.FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        if (group is null || group.Epoch != fromEpoch)
        {
            return null;
        }

        group.Epoch = fromEpoch + 1;
        group.ActiveMemberId = activeMemberId;
        group.ActiveTermsVersion = group.TermsVersion;
        group.UpdatedAt = record.DecidedAt;
        db.FailoverHistory.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return record;
        }
        catch (DbUpdateConcurrencyException)
        {
            return null;
        }
    }

    public async Task RecordHandoverLeaseAsync(Guid groupId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.FailoverGroups.FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken) is { } group)
        {
            group.HandoverLeaseUntil = until;
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task<FailoverRecord?> UpdateRecordAsync(long recordId, Action<FailoverRecord> change, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.FailoverHistory.FirstOrDefaultAsync(r => r.Id == recordId, cancellationToken) is not { } record)
        {
            return null;
        }

        change(record);
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    /// <summary>The transition also appears in the events list, under the new active node. Its sequence is the history row's id, negated, so it never meets an agent's.</summary>
    public async Task AddEventAsync(FailoverRecord record, string groupName, string message, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.Events.Add(new StoredEvent
        {
            NodeId = record.ToNodeId,
            Sequence = -record.Id,
            OccurredAt = record.ConfirmedAt ?? record.DecidedAt,
            ReceivedAt = record.ConfirmedAt ?? record.DecidedAt,
            Kind = record.Kind.ToString(),
            Service = record.Service,
            Message = $"group {groupName}: {message}",
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Two members held the active role at once after the group's latest transition: its history row says so.</summary>
    public async Task MarkLatestOverlapAsync(Guid groupId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.FailoverHistory.Where(r => r.GroupId == groupId).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken) is { } latest)
        {
            latest.Overlap = true;
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task<List<FailoverRecord>> OpenRecordsAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.FailoverHistory.AsNoTracking().Where(r => r.Outcome == TransitionOutcome.InProgress).ToListAsync(cancellationToken);
    }

    public async Task<List<FailoverRecord>> FailoversSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.FailoverHistory.AsNoTracking().Where(r => r.Kind == TransitionKind.Failover && r.DecidedAt >= since).ToListAsync(cancellationToken);
    }

    public async Task<(List<FailoverRecord> Items, int Total)> HistoryAsync(Guid groupId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var records = db.FailoverHistory.AsNoTracking().Where(r => r.GroupId == groupId);
        var total = await records.CountAsync(cancellationToken);
        var items = await records.OrderByDescending(r => r.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }
}
