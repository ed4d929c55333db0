using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;

namespace Vigil.ControlPlane.Failover;

/// <summary>What the coordinator keeps in the database: groups, their epochs, and the history of their transitions.</summary>
public interface IFailoverStore
{
    Task<List<FailoverGroup>> LoadAllAsync(CancellationToken cancellationToken);

    Task<FailoverGroup?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Stores the next epoch and opens its history row; null when another decider moved the epoch first.</summary>
    Task<FailoverRecord?> BeginAsync(Guid groupId, long fromEpoch, Guid activeMemberId, FailoverRecord record, CancellationToken cancellationToken);

    Task<FailoverRecord?> UpdateRecordAsync(long recordId, Action<FailoverRecord> change, CancellationToken cancellationToken);

    Task AddEventAsync(FailoverRecord record, string groupName, string message, CancellationToken cancellationToken);

    Task MarkLatestOverlapAsync(Guid groupId, CancellationToken cancellationToken);

    /// <summary>Records that the group's active member may be given a lease lasting until <paramref name="until"/> (a planned restart).</summary>
    Task RecordHandoverLeaseAsync(Guid groupId, DateTimeOffset until, CancellationToken cancellationToken);

    Task<List<FailoverRecord>> OpenRecordsAsync(CancellationToken cancellationToken);

    Task<List<FailoverRecord>> FailoversSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>How the coordinator's role commands reach agents, and how their outcomes come back.</summary>
public interface IRoleCommandSink
{
    /// <summary>A command reached a final state; for an agent's answer, with the connection it came on.</summary>
    event Action<CommandFinished>? Finished;

    Task<SubmitResult> SubmitAsync(NewCommand request, CancellationToken cancellationToken);

    /// <summary>Role commands of the group at older epochs that have not been delivered yet are dropped.</summary>
    Task SupersedeAsync(Guid groupId, long epoch, CancellationToken cancellationToken);
}
