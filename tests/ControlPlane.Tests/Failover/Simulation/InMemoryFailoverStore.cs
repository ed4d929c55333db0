using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>
/// The database of the simulation: it outlives control-plane crashes, hands out copies (a coordinator
/// never shares its memory with the record) and keeps the epoch's optimistic concurrency.
/// </summary>
internal sealed class InMemoryFailoverStore(FailoverGroup group) : IFailoverStore
{
    private readonly List<FailoverRecord> _records = [];

    public IReadOnlyList<FailoverRecord> Records => _records;

    public long Epoch => group.Epoch;

    public Guid? ActiveMemberId => group.ActiveMemberId;

    /// <summary>An operator edits the group's policy, as <c>PUT /api/v1/groups/{id}</c> does: the epoch stays, the terms move on.</summary>
    public FailoverGroup Edit(IsolationPolicy isolation)
    {
        if (isolation == IsolationPolicy.Stop && group.Isolation != IsolationPolicy.Stop)
        {
            group.StopSinceTermsVersion = group.TermsVersion + 1;
        }

        group.Isolation = isolation;
        group.TermsVersion++;
        return Copy(group);
    }

    public Task<List<FailoverGroup>> LoadAllAsync(CancellationToken cancellationToken) => Task.FromResult(new List<FailoverGroup> { Copy(group) });

    public Task<FailoverGroup?> FindAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(id == group.Id ? Copy(group) : null);

    public Task<FailoverRecord?> BeginAsync(Guid groupId, long fromEpoch, Guid activeMemberId, FailoverRecord record, CancellationToken cancellationToken)
    {
        if (groupId != group.Id || group.Epoch != fromEpoch)
        {
            return Task.FromResult<FailoverRecord?>(null);
        }

        group.Epoch = fromEpoch + 1;
        group.ActiveMemberId = activeMemberId;
        group.ActiveTermsVersion = group.TermsVersion;
        record.Id = _records.Count + 1;
        _records.Add(record);
        return Task.FromResult<FailoverRecord?>(Copy(record));
    }

    public Task RecordHandoverLeaseAsync(Guid groupId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (groupId == group.Id)
        {
            group.HandoverLeaseUntil = until;
        }

        return Task.CompletedTask;
    }

    public Task<FailoverRecord?> UpdateRecordAsync(long recordId, Action<FailoverRecord> change, CancellationToken cancellationToken)
    {
        if (_records.FirstOrDefault(r => r.Id == recordId) is not { } record)
        {
            return Task.FromResult<FailoverRecord?>(null);
        }

        change(record);
        return Task.FromResult<FailoverRecord?>(Copy(record));
    }

    public Task AddEventAsync(FailoverRecord record, string groupName, string message, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task MarkLatestOverlapAsync(Guid groupId, CancellationToken cancellationToken)
    {
        if (_records.LastOrDefault() is { } latest)
        {
            latest.Overlap = true;
        }

        return Task.CompletedTask;
    }

    public Task<List<FailoverRecord>> OpenRecordsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_records.Where(r => r.Outcome == TransitionOutcome.InProgress).Select(Copy).ToList());

    public Task<List<FailoverRecord>> FailoversSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(_records.Where(r => r.Kind == TransitionKind.Failover && r.DecidedAt >= since).Select(Copy).ToList());

    private static FailoverGroup Copy(FailoverGroup source) => new()
    {
        Id = source.Id,
        Name = source.Name,
        Isolation = source.Isolation,
        Failback = source.Failback,
        FailbackAfterSeconds = source.FailbackAfterSeconds,
        CooldownSeconds = source.CooldownSeconds,
        MaxFailovers = source.MaxFailovers,
        MaxFailoversPeriodSeconds = source.MaxFailoversPeriodSeconds,
        RtoObjectiveSeconds = source.RtoObjectiveSeconds,
        Epoch = source.Epoch,
        TermsVersion = source.TermsVersion,
        StopSinceTermsVersion = source.StopSinceTermsVersion,
        ActiveTermsVersion = source.ActiveTermsVersion,
        ActiveMemberId = source.ActiveMemberId,
        HandoverLeaseUntil = source.HandoverLeaseUntil,
        Members = [.. source.Members.Select(m => new FailoverGroupMember { Id = m.Id, GroupId = m.GroupId, NodeId = m.NodeId, Service = m.Service, Priority = m.Priority })],
    };

    private static FailoverRecord Copy(FailoverRecord source) => new()
    {
        Id = source.Id,
        GroupId = source.GroupId,
        Kind = source.Kind,
        FromNodeId = source.FromNodeId,
        ToNodeId = source.ToNodeId,
        Service = source.Service,
        Epoch = source.Epoch,
        Reason = source.Reason,
        DetectedAt = source.DetectedAt,
        DecidedAt = source.DecidedAt,
        CommandedAt = source.CommandedAt,
        ConfirmedAt = source.ConfirmedAt,
        RtoMs = source.RtoMs,
        Outcome = source.Outcome,
        Overlap = source.Overlap,
    };
}
