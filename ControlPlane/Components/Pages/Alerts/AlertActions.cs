using System.Security.Claims;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Components.Pages.Alerts;

/// <summary>Alert actions shared by the list and the detail page, checked and audited like the API's.</summary>
internal static class AlertActions
{
    /// <summary>Acknowledges a firing alert as the signed-in user; null when done, else why not.</summary>
    public static async Task<string?> AcknowledgeAsync(DashboardActions actions, AlertEvaluator evaluator, ClaimsPrincipal user, Guid alertId)
    {
        const string Action = "AcknowledgeAlert";
        var target = $"/api/v1/alerts/{alertId}/acknowledge";
        if (!await actions.AllowedAsync(user, VigilPolicies.Operator, Action, target))
        {
            return "Only operators and admins may acknowledge alerts.";
        }

        var acknowledged = await evaluator.AcknowledgeAsync(alertId, AuditRecord.ActorOf(user), CancellationToken.None);
        await actions.RecordAsync(user, Action, target, acknowledged is not null, acknowledged is null ? "the alert is not firing" : $"alert {alertId} acknowledged");
        return acknowledged is null ? "The alert is not firing any more." : null;
    }
}

/// <summary>How alerts look on the dashboard.</summary>
internal static class AlertTones
{
    public static MudBlazor.Color Of(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => MudBlazor.Color.Error,
        AlertSeverity.Warning => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Info,
    };

    public static string Describe(Alert alert) => alert.Status switch
    {
        AlertStatus.Acknowledged => $"Acknowledged by {alert.AcknowledgedBy}",
        AlertStatus.Resolved => "Resolved",
        _ => alert.Silenced ? "Firing (silenced)" : "Firing",
    };
}
