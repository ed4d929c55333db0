using System.Linq.Expressions;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Data.Audit;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Events;

namespace Vigil.ControlPlane.Retention;

/// <summary>Rows older than these times may go; null keeps that kind forever.</summary>
public sealed record RetentionCutoffs(DateTimeOffset? Events, DateTimeOffset? Commands, DateTimeOffset? Audit, DateTimeOffset? Alerts);

/// <summary>What is old enough to delete. The same expressions filter the database and, in tests, lists.</summary>
public static class RetentionRules
{
    private static readonly string Resolved = nameof(AlertStatus.Resolved);

    public static RetentionCutoffs CutoffsAt(RetentionOptions options, DateTimeOffset now) => new(
        Before(now, options.Events), Before(now, options.Commands), Before(now, options.Audit), Before(now, options.Alerts));

    public static Expression<Func<StoredEvent, bool>> OldEvent(DateTimeOffset cutoff) => e => e.ReceivedAt < cutoff;

    /// <summary>A finished command; a pending or sent one is still on its way to an agent.</summary>
    public static Expression<Func<StoredCommand, bool>> OldCommand(DateTimeOffset cutoff) =>
        c => c.CreatedAt < cutoff && c.State != CommandState.Pending && c.State != CommandState.Sent;

    public static Expression<Func<AuditEntry, bool>> OldAuditEntry(DateTimeOffset cutoff) => e => e.At < cutoff;

    /// <summary>A resolved alert none of whose deliveries (its resolve message, say) is still to be sent; its deliveries go with it.</summary>
    public static Expression<Func<StoredAlert, bool>> OldAlert(DateTimeOffset cutoff, IQueryable<AlertDelivery> deliveries) =>
        a => a.Status == Resolved && a.ResolvedAt < cutoff
            && !deliveries.Any(d => d.AlertId == a.Id && d.State == AlertDeliveryState.Pending);

    private static DateTimeOffset? Before(DateTimeOffset now, TimeSpan age) => age == TimeSpan.Zero ? null : now - age;
}
