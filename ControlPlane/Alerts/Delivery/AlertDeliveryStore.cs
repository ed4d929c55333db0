using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>A delivery as the worker needs it to make and send the message.</summary>
public sealed record DueDelivery(Guid Id, Guid AlertId, Guid ChannelId, string Notification, string Alert, int Attempts);

/// <summary>
/// The deliveries table is the durable record of every delivery and its attempts, written with the
/// alert change; Hangfire's jobs only say when to look at a row. A job claims its row before the
/// attempt, so two jobs for one delivery (a sweep that raced an enqueue) send it once.
/// </summary>
public sealed class AlertDeliveryStore(IDbContextFactory<VigilDbContext> databases, AlertChangeFeed changes)
{
    /// <summary>
    /// Takes the delivery for one attempt when it is Pending and due at <paramref name="now"/>: its next
    /// attempt moves to <paramref name="heldUntil"/>, so no other job takes it meanwhile. Null when it
    /// is settled, not due, held by another job, or gone.
    /// </summary>
    public async Task<DueDelivery?> ClaimAsync(Guid id, DateTimeOffset now, DateTimeOffset heldUntil, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var claimed = await db.AlertDeliveries
            .Where(d => d.Id == id && d.State == AlertDeliveryState.Pending && (d.NextAttemptAt == null || d.NextAttemptAt <= now))
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.NextAttemptAt, heldUntil), cancellationToken);
        if (claimed == 0)
        {
            return null;
        }

        var delivery = await db.AlertDeliveries.AsNoTracking()
            .Where(d => d.Id == id)
            .Select(d => new DueDelivery(d.Id, d.AlertId, d.ChannelId, d.Notification, d.Alert, d.Attempts))
            .SingleOrDefaultAsync(cancellationToken);
        if (delivery is not null)
        {
            changes.Publish(delivery.AlertId);
        }

        return delivery;
    }

    /// <summary>Hands back a claimed delivery whose attempt was cut short: due again at <paramref name="at"/>.</summary>
    public async Task ReleaseAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.AlertDeliveries
            .Where(d => d.Id == id && d.State == AlertDeliveryState.Pending)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.NextAttemptAt, at), cancellationToken);
    }

    /// <summary>Pending deliveries that were due at or before <paramref name="before"/>, oldest first.</summary>
    public async Task<IReadOnlyList<Guid>> DueAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AlertDeliveries.AsNoTracking()
            .Where(d => d.State == AlertDeliveryState.Pending
                && ((d.NextAttemptAt == null && d.CreatedAt <= before) || d.NextAttemptAt <= before))
            .OrderBy(d => d.CreatedAt)
            .Take(limit)
            .Select(d => d.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Stores the outcome of an attempt: the count, the time, the error, and what comes next.</summary>
    public async Task RecordAsync(Guid id, int attempts, DateTimeOffset attemptedAt, DeliveryDecision decision, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.AlertDeliveries.SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (row is null)
        {
            return; // its alert was removed meanwhile
        }

        row.Attempts = attempts;
        row.LastAttemptAt = attemptedAt;
        switch (decision)
        {
            case MarkSent sent:
                row.State = AlertDeliveryState.Sent;
                row.DeliveredAt = sent.At;
                row.NextAttemptAt = null;
                break;
            case RetryAt retry:
                row.LastError = Shorter(retry.Error);
                row.NextAttemptAt = retry.At;
                break;
            case MarkFailed failed:
                row.State = AlertDeliveryState.Failed;
                row.LastError = Shorter(failed.Error);
                row.NextAttemptAt = null;
                break;
        }

        await db.SaveChangesAsync(cancellationToken);
        changes.Publish(row.AlertId);
    }

    private static string Shorter(string text) => text.Length <= AlertLimits.TextMaxLength ? text : text[..AlertLimits.TextMaxLength];
}
