using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Data;

/// <summary>Database writes of node state, used by <see cref="NodeStateWriter"/> only.</summary>
internal sealed partial class NodeStateStore(IDbContextFactory<VigilDbContext> databases, ILogger<NodeStateStore> logger)
{
    private const int ReasonMaxLength = 512;

    /// <summary>
    /// Writes journal entries in one transaction. When that fails while the database answers, one
    /// entry is at fault: the entries are then written one by one and a rejected one is logged and
    /// skipped, so it cannot block the others forever.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<NodeJournalEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            await WriteBatchAsync(entries, cancellationToken);
            return;
        }
        catch (DbUpdateException) when (entries.Count > 1)
        {
            // Fall through: find out below whether the database or an entry is at fault.
        }
        catch (DbUpdateException exception)
        {
            await RejectIfReachableAsync(exception, entries[0], cancellationToken);
            return;
        }

        if (!await ReachableAsync(cancellationToken))
        {
            throw new DatabaseUnavailableException();
        }

        foreach (var entry in entries)
        {
            try
            {
                await WriteBatchAsync([entry], cancellationToken);
            }
            catch (DbUpdateException exception)
            {
                await RejectIfReachableAsync(exception, entry, cancellationToken);
            }
        }
    }

    /// <summary>Updates only the last-seen column of the given nodes, in as few round trips as the provider allows.</summary>
    public async Task WriteLastSeenAsync(IReadOnlyDictionary<Guid, DateTimeOffset> lastSeen, CancellationToken cancellationToken)
    {
        try
        {
            await UpdateLastSeenAsync(lastSeen, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Some rows no longer exist; update the others.
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var ids = lastSeen.Keys.ToList();
            var existing = await db.Nodes.Where(n => ids.Contains(n.Id)).Select(n => n.Id).ToListAsync(cancellationToken);
            await UpdateLastSeenAsync(existing.ToDictionary(id => id, id => lastSeen[id]), cancellationToken);
        }
    }

    private async Task UpdateLastSeenAsync(IReadOnlyDictionary<Guid, DateTimeOffset> lastSeen, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var (nodeId, seen) in lastSeen)
        {
            var row = db.Nodes.Attach(new Node { Id = nodeId, Name = "", AgentVersion = "", OperatingSystem = "" });
            var lastSeenAt = row.Property(n => n.LastSeenAt);
            lastSeenAt.CurrentValue = seen;
            lastSeenAt.IsModified = true;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task WriteBatchAsync(IReadOnlyList<NodeJournalEntry> entries, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var ids = entries.Select(NodeIdOf).Distinct().ToList();
        var nodes = await db.Nodes.Where(n => ids.Contains(n.Id)).ToDictionaryAsync(n => n.Id, cancellationToken);
        foreach (var entry in entries)
        {
            switch (entry)
            {
                case NodeRegistered { Node: var status }:
                    if (nodes.TryGetValue(status.Id, out var node))
                    {
                        NodeRows.Copy(status, node);
                    }
                    else
                    {
                        nodes[status.Id] = db.Nodes.Add(NodeRows.From(status)).Entity;
                    }
                    break;
                case NodeLivenessChanged { Transition: var transition }:
                    db.NodeLivenessChanges.Add(new NodeLivenessChange
                    {
                        NodeId = transition.NodeId,
                        From = transition.From,
                        To = transition.To,
                        At = transition.At,
                        Reason = transition.Reason.Length <= ReasonMaxLength ? transition.Reason : transition.Reason[..ReasonMaxLength],
                    });
                    if (nodes.TryGetValue(transition.NodeId, out var changed))
                    {
                        changed.Liveness = transition.To;
                        changed.LivenessChangedAt = transition.At;
                    }

                    break;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static Guid NodeIdOf(NodeJournalEntry entry) => entry switch
    {
        NodeRegistered registered => registered.Node.Id,
        NodeLivenessChanged changed => changed.Transition.NodeId,
        _ => throw new ArgumentOutOfRangeException(nameof(entry), entry, "Unknown journal entry."),
    };

    /// <summary>Skips an entry the database refused; rethrows when the database itself is away.</summary>
    private async Task RejectIfReachableAsync(DbUpdateException exception, NodeJournalEntry entry, CancellationToken cancellationToken)
    {
        if (!await ReachableAsync(cancellationToken))
        {
            throw new DatabaseUnavailableException(exception);
        }

        LogRejected(exception, entry);
    }

    private async Task<bool> ReachableAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The database rejected a node state change, which is skipped: {Entry}")]
    private partial void LogRejected(Exception exception, NodeJournalEntry entry);
}

/// <summary>A write failed and the database does not answer: retry later, keep the data.</summary>
internal sealed class DatabaseUnavailableException(Exception? inner = null)
    : Exception("The database does not answer.", inner);
