using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Components.Shared;

/// <summary>
/// Every action taken from the dashboard goes through here: the Operator policy is checked again on the
/// server (a hidden button is not a permission), the action runs, and the audit trail records who did
/// what to which target, from where, and how it ended. One instance per circuit.
/// </summary>
public sealed class OperatorActions(IAuthorizationService authorization, IAuditTrail audit)
{
    /// <summary>The browser's address when the dashboard was opened; set once by <see cref="Routes"/>.</summary>
    public string? SourceAddress { get; set; }

    /// <summary>
    /// Runs <paramref name="act"/> when the user satisfies the Operator policy, and audits it as
    /// <paramref name="action"/> on <paramref name="target"/>. The action answers whether it succeeded and a
    /// short detail (the id created, or why not).
    /// </summary>
    public async Task<ActionOutcome> RunAsync(
        Task<AuthenticationState> authenticationState, string action, string target, Func<Task<ActionOutcome>> act)
    {
        var user = (await authenticationState).User;
        var actor = AuditRecord.ActorOf(user);
        if (!(await authorization.AuthorizeAsync(user, VigilPolicies.Operator)).Succeeded)
        {
            var denied = ActionOutcome.Refused("the Operator role is required");
            await audit.RecordAsync(new AuditRecord(actor, action, target, SourceAddress, AuditOutcome.Denied, denied.Detail));
            return denied;
        }

        ActionOutcome result;
        try
        {
            result = await act();
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            result = ActionOutcome.Failed($"the database does not answer: {exception.Message}");
        }

        await audit.RecordAsync(new AuditRecord(actor, action, target, SourceAddress, result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed, result.Detail));
        return result;
    }
}

/// <summary>How an operator action ended: done (with what it made), refused, or failed, with a detail an operator can read.</summary>
public sealed record ActionOutcome(bool Succeeded, string Detail, bool Denied = false)
{
    public IReadOnlyDictionary<string, string[]> FieldErrors { get; init; } = new Dictionary<string, string[]>();

    public static ActionOutcome Done(string detail) => new(true, detail);

    public static ActionOutcome Failed(string detail) => new(false, detail);

    public static ActionOutcome Refused(string detail) => new(false, detail, Denied: true);
}
