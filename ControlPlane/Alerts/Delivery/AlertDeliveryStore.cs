using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>A delivery as the worker needs it to make and send the message.</summary>
public sealed record DueDelivery(Guid Id, Guid AlertId, Guid ChannelId, string Notification, string Alert, int Attempts);

/// <summary>The deliveries table is the queue: Pending rows whose next attempt is due are the work.</summary>
public sealed class AlertDeliveryStore(IDbContextFactory<VigilDbContext> databases)
{
    /// <summary>Pending deliveries due at <paramref name="now"/>, oldest first.</summary>
    public async Task<IReadOnlyList<DueDelivery>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AlertDeliveries.AsNoTracking()
            .Where(d => d.State == AlertDeliveryState.Pending && (d.NextAttemptAt == null || d.NextAttemptAt <= now))
            .OrderBy(d => d.CreatedAt)
            .Take(limit)
            .Select(d => new DueDelivery(d.Id, d.AlertId, d.ChannelId, d.Notification, d.Alert, d.Attempts))
            .ToListAsync(cancellationToken);
    }

    /// <summary>When the next Pending delivery is due; null when none is pending.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var pending = db.AlertDeliveries.Where(d => d.State == AlertDeliveryState.Pending);
        if (await pending.AnyAsync(d => d.NextAttemptAt == null, cancellationToken))
        {
            return DateTimeOffset.MinValue;
        }

        return await pending.OrderBy(d => d.NextAttemptAt).Select(d => d.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
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
    }

    private static string Shorter(string text) => text.Length <= AlertLimits.TextMaxLength ? text : text[..AlertLimits.TextMaxLength];
}
