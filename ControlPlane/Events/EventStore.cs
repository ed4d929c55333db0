using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Events;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Events;

/// <summary>
/// Stores agents' events exactly once: a (node, sequence) already stored is skipped, so a batch sent
/// again after a lost acknowledgement or an agent crash adds nothing. The unique index on
/// (node, sequence) is the last guard when two connections of one node race.
/// </summary>
public sealed class EventStore(IDbContextFactory<VigilDbContext> databases, NodeRegistry registry, NewEventsFeed feed, TimeProvider time)
{
    /// <summary>Stores the batch; returns the highest sequence now stored (every event of the batch).</summary>
    public async Task<long> StoreAsync(Guid nodeId, IReadOnlyList<AgentEvent> batch, CancellationToken cancellationToken)
    {
        var upTo = batch.Max(e => e.Sequence);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var added = await InsertMissingAsync(nodeId, batch, cancellationToken);
                registry.EventsStored(nodeId, upTo);
                if (added > 0)
                {
                    feed.Publish(nodeId);
                }

                return upTo;
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // Another connection of the same node stored some of them meanwhile: look again.
            }
        }
    }

    public async Task<(IReadOnlyList<StoredEvent> Items, int Total)> ListAsync(EventQuery query, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var events = db.Events.AsNoTracking();
        if (query.NodeId is { } nodeId)
        {
            events = events.Where(e => e.NodeId == nodeId);
        }

        if (query.Service is { } service)
        {
            events = events.Where(e => e.Service == service);
        }

        if (query.Kind is { } kind)
        {
            events = events.Where(e => e.Kind == kind);
        }

        if (query.Members is { } members)
        {
            events = events.Where(OfAny(members));
        }

        if (query.From is { } from)
        {
            events = events.Where(e => e.ReceivedAt >= from);
        }

        if (query.To is { } to)
        {
            events = events.Where(e => e.ReceivedAt < to);
        }

        var total = await events.CountAsync(cancellationToken);
        var items = await events
            .OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.Id)
            .Skip((query.Page - 1) * query.PageSize)
            .Take(query.PageSize)
            .ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>e => (e.NodeId == n1 && e.Service == s1) || ...: events of a failover group's members.</summary>
    private static Expression<Func<StoredEvent, bool>> OfAny(IReadOnlyList<(Guid NodeId, string Service)> members)
    {
        var e = Expression.Parameter(typeof(StoredEvent), "e");
        Expression any = Expression.Constant(false);
        foreach (var (nodeId, service) in members)
        {
            any = Expression.OrElse(any, Expression.AndAlso(
                Expression.Equal(Expression.Property(e, nameof(StoredEvent.NodeId)), Expression.Constant(nodeId)),
                Expression.Equal(Expression.Property(e, nameof(StoredEvent.Service)), Expression.Constant(service, typeof(string)))));
        }

        return Expression.Lambda<Func<StoredEvent, bool>>(any, e);
    }

    private async Task<int> InsertMissingAsync(Guid nodeId, IReadOnlyList<AgentEvent> batch, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var first = batch.Min(e => e.Sequence);
        var last = batch.Max(e => e.Sequence);
        var stored = (await db.Events
            .Where(e => e.NodeId == nodeId && e.Sequence >= first && e.Sequence <= last)
            .Select(e => e.Sequence)
            .ToListAsync(cancellationToken)).ToHashSet();
        var now = time.GetUtcNow();
        var missing = batch.Where(e => !stored.Contains(e.Sequence)).Select(e => new StoredEvent
        {
            NodeId = nodeId,
            Sequence = e.Sequence,
            OccurredAt = e.OccurredAt,
            ReceivedAt = now,
            Kind = e.Kind.ToString(),
            Service = e.Service,
            Message = e.Message,
            ExitCode = e.ExitCode,
        }).ToList();
        if (missing.Count == 0)
        {
            return 0;
        }

        await NodeRows.EnsureAsync(db, registry.Find(nodeId), cancellationToken);
        db.Events.AddRange(missing);
        await db.SaveChangesAsync(cancellationToken);
        return missing.Count;
    }
}

/// <summary>Which events to list, and which page.</summary>
public sealed record EventQuery(Guid? NodeId, string? Service, string? Kind, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize)
{
    /// <summary>Only events of these (node, service) pairs, e.g. a failover group's members; null: any.</summary>
    public IReadOnlyList<(Guid NodeId, string Service)>? Members { get; init; }
}
