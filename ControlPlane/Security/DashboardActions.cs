using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Vigil.ControlPlane.Audit;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// What every dashboard action goes through: the signed-in user's authorization is checked again
/// on the server before acting (a page's attribute is checked only when it opens), and the action
/// is audited with that user as the actor, under the same action name and target as the API's.
/// </summary>
public sealed class DashboardActions(IAuthorizationService authorization, IAuditTrail trail, IHttpContextAccessor http)
{
    // The circuit's connection is known while the page starts, not while it handles a click.
    private readonly string? _sourceAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>True when <paramref name="user"/> satisfies <paramref name="policy"/>; a refusal is audited as denied.</summary>
    public async Task<bool> AllowedAsync(ClaimsPrincipal user, string policy, string action, string? target)
    {
        if ((await authorization.AuthorizeAsync(user, policy)).Succeeded)
        {
            return true;
        }

        await trail.RecordAsync(new AuditRecord(AuditRecord.ActorOf(user), action, target, _sourceAddress, AuditOutcome.Denied, $"dashboard: needs the {policy} role"));
        return false;
    }

    public Task RecordAsync<T>(ClaimsPrincipal user, string action, string? target, AdministrationResult<T> result, string done) =>
        trail.RecordAsync(new AuditRecord(
            AuditRecord.ActorOf(user),
            action,
            target,
            _sourceAddress,
            result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed,
            $"dashboard: {(result.Succeeded ? done : result.Message)}"));

    /// <summary>Audits an action done from the dashboard that has no administration result of its own.</summary>
    public Task RecordAsync(ClaimsPrincipal user, string action, string? target, bool succeeded, string detail) =>
        trail.RecordAsync(new AuditRecord(
            AuditRecord.ActorOf(user), action, target, _sourceAddress, succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed, $"dashboard: {detail}"));
}
