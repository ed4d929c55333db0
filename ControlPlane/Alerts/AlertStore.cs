using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;

namespace Vigil.ControlPlane.Alerts;

/// <summary>Reads rules, silences and open alerts for the evaluator; stores the alerts it changed and their deliveries.</summary>
public sealed class AlertStore(IDbContextFactory<VigilDbContext> databases, AlertChangeFeed changes)
{
    public async Task<IReadOnlyList<AlertRule>> RulesAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.AlertRules.AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.Select(ToRule)];
    }

    public async Task<IReadOnlyList<Silence>> SilencesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.AlertSilences.AsNoTracking().Where(s => s.ExpiresAt > now).ToListAsync(cancellationToken);
        return [.. rows.Select(ToSilence)];
    }

    public async Task<IReadOnlyList<Alert>> OpenAsync(CancellationToken cancellationToken)
    {
        var resolved = nameof(AlertStatus.Resolved);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var documents = await db.Alerts.AsNoTracking().Where(a => a.Status != resolved).Select(a => a.Document).ToListAsync(cancellationToken);
        return [.. documents.Select(AlertJson.Read<Alert>)];
    }

    /// <summary>One page of alerts, newest first, in one status or all.</summary>
    public async Task<(IReadOnlyList<Alert> Items, int Total)> ListAsync(AlertStatus? status, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var alerts = db.Alerts.AsNoTracking();
        if (status is { } wanted)
        {
            var name = wanted.ToString();
            alerts = alerts.Where(a => a.Status == name);
        }

        var total = await alerts.CountAsync(cancellationToken);
        var documents = await alerts.OrderByDescending(a => a.FiredAt).ThenByDescending(a => a.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(a => a.Document).ToListAsync(cancellationToken);
        return ([.. documents.Select(AlertJson.Read<Alert>)], total);
    }

    /// <summary>The alert and its deliveries, oldest first; null when no alert has the id.</summary>
    public async Task<(Alert? Alert, IReadOnlyList<AlertDelivery> Deliveries)> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var document = await db.Alerts.AsNoTracking().Where(a => a.Id == id).Select(a => a.Document).SingleOrDefaultAsync(cancellationToken);
        if (document is null)
        {
            return (null, []);
        }

        var deliveries = await db.AlertDeliveries.AsNoTracking().Where(d => d.AlertId == id).OrderBy(d => d.CreatedAt).ToListAsync(cancellationToken);
        return (AlertJson.Read<Alert>(document), deliveries);
    }

    /// <summary>Stores the changed alerts and one pending delivery per notification and channel; returns the deliveries' ids.</summary>
    public async Task<IReadOnlyList<Guid>> SaveAsync(AlertStep step, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var ids = step.Changed.Select(a => a.Id).ToList();
        var stored = await db.Alerts.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        foreach (var alert in step.Changed)
        {
            if (!stored.TryGetValue(alert.Id, out var row))
            {
                row = new StoredAlert
                {
                    Id = alert.Id,
                    RuleId = alert.RuleId,
                    TargetKey = Shorter(alert.Target.Key, AlertLimits.TargetKeyMaxLength),
                    Status = "",
                    Severity = "",
                    Condition = "",
                    Summary = "",
                    Document = "",
                };
                db.Alerts.Add(row);
            }

            row.Status = alert.Status.ToString();
            row.Severity = alert.Severity.ToString();
            row.Condition = alert.Condition.ToString();
            row.Summary = Shorter(alert.Summary, AlertLimits.TextMaxLength);
            row.FiredAt = alert.FiredAt;
            row.ResolvedAt = alert.ResolvedAt;
            row.AcknowledgedBy = alert.AcknowledgedBy;
            row.Document = AlertJson.Write(alert);
        }

        var deliveries = step.Notifications
            .SelectMany(n => n.Channels.Distinct().Select(channel => new AlertDelivery
            {
                Id = Guid.CreateVersion7(now),
                AlertId = n.Alert.Id,
                ChannelId = channel,
                Notification = n.Kind.ToString(),
                Alert = AlertJson.Write(n.Alert),
                State = AlertDeliveryState.Pending,
                CreatedAt = now,
            }))
            .ToList();
        db.AlertDeliveries.AddRange(deliveries);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var alert in step.Changed)
        {
            changes.Publish(alert.Id);
        }

        return [.. deliveries.Select(d => d.Id)];
    }

    internal static AlertRule ToRule(StoredAlertRule row) =>
        AlertJson.Read<AlertRule>(row.Definition) with { Id = row.Id, Name = row.Name, Enabled = row.Enabled };

    internal static Silence ToSilence(StoredSilence row) => new()
    {
        Id = row.Id,
        Matchers = AlertJson.Read<List<SilenceMatcher>>(row.Matchers),
        StartsAt = row.StartsAt,
        ExpiresAt = row.ExpiresAt,
        CreatedBy = row.CreatedBy,
        Reason = row.Reason,
    };

    private static string Shorter(string text, int max) => text.Length <= max ? text : text[..max];
}
