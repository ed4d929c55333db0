using Vigil.ControlPlane.Audit;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// What the audit trail records of a step of the <see cref="AlertEngine"/>: each alert it fired
/// (<c>alert.fire</c>) and each it resolved (<c>alert.resolve</c>), by <c>system</c>, on <c>alert/{id}</c>.
/// Acknowledgements are an operator's, audited where they are made (<c>AcknowledgeAlert</c>).
/// </summary>
public static class AlertAudit
{
    public const string Fired = "alert.fire";
    public const string Resolved = "alert.resolve";

    /// <summary>Pure: the entries for the alerts <paramref name="step"/> fired or resolved; <paramref name="before"/> is the book it started from.</summary>
    public static IReadOnlyList<AuditRecord> Of(AlertBook before, AlertStep step)
    {
        var records = new List<AuditRecord>();
        foreach (var alert in step.Changed)
        {
            if (alert.Status == AlertStatus.Firing && before.Find(alert.Id) is null)
            {
                records.Add(Record(Fired, alert, $"rule '{alert.RuleName}' ({alert.Severity}) fired{(alert.Silenced ? ", silenced" : "")}: {alert.Summary}"));
            }
            else if (alert.Status == AlertStatus.Resolved)
            {
                records.Add(Record(Resolved, alert, $"rule '{alert.RuleName}' resolved: {alert.Resolution}"));
            }
        }

        return records;
    }

    private static AuditRecord Record(string action, Alert alert, string detail) =>
        new(AuditRecord.System, action, $"alert/{alert.Id}", null, AuditOutcome.Succeeded, detail);
}
