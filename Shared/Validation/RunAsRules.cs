using Vigil.Shared.Services;
using static Vigil.Shared.Validation.MessageValidator;

namespace Vigil.Shared.Validation;

/// <summary>
/// The rules of a <c>process</c> service's <see cref="ManagedServiceDefinition.RunAs"/>, fields named as in
/// <see cref="ServiceDefinitionValidator"/>. No message ever repeats a password.
/// </summary>
public static class RunAsRules
{
    public const string Field = "RunAs";
    public const string ProtectCommand = "protect-password";

    /// <summary>The account's shape: a name the Windows logon accepts, a password exactly when the account has one, and only in protected form.</summary>
    internal static void Validate(List<FieldError> errors, RunAsAccount? runAs)
    {
        if (runAs is null)
        {
            return;
        }

        if (RunAsAccounts.Parse(runAs.User) is not { } account)
        {
            errors.Add(new($"{Field}:User", $"must be an account such as DOMAIN\\user, user@domain, .\\user, DOMAIN\\gmsa$, NT SERVICE\\Name, LocalSystem, LocalService or NetworkService (was '{Truncate(runAs.User)}')"));
            return;
        }

        if (runAs.Password is null)
        {
            if (account.NeedsPassword)
            {
                errors.Add(new($"{Field}:Password", $"is required for the user account '{account}': run the agent's '{ProtectCommand}' command on this node and set its output here (an account without a password is a group managed service account, a virtual account, LocalService or NetworkService)"));
            }

            return;
        }

        if (!account.NeedsPassword)
        {
            errors.Add(new($"{Field}:Password", $"must not be set for '{account}', which Windows logs on without a password: remove it"));
        }
        else if (!runAs.Password.StartsWith(RunAsAccounts.ProtectedPrefix, StringComparison.Ordinal) || runAs.Password.Length == RunAsAccounts.ProtectedPrefix.Length)
        {
            errors.Add(new($"{Field}:Password", $"must be the protected text that the agent's '{ProtectCommand}' command prints on this node (it starts with '{RunAsAccounts.ProtectedPrefix}'); a password in clear is never accepted: remove it from the file"));
        }
        else if (runAs.Password.Length > MessageLimits.ArgumentMaxLength)
        {
            errors.Add(new($"{Field}:Password", Invariant($"must be at most {MessageLimits.ArgumentMaxLength} characters")));
        }
    }

    /// <summary>
    /// What the control plane may not set: a run-as password (kept only on the node, protected for it). The
    /// account alone may come from the control plane when it has no password.
    /// </summary>
    public static IReadOnlyList<FieldError> FromControlPlane(ManagedServiceDefinition service) =>
        service.RunAs?.Password is null
            ? []
            : [new($"{Field}:Password", $"cannot be set by the control plane: a run-as password is set in the agent's own configuration on the node, protected with the agent's '{ProtectCommand}' command. From the control plane, name an account without a password (a group managed service account, a virtual account, LocalService or NetworkService), or define the service on the node")];

    /// <summary>A run-as account needs a Windows node: the agent logs accounts on through Windows only.</summary>
    public static IReadOnlyList<FieldError> OnNode(ManagedServiceDefinition service, bool windowsNode) =>
        service.RunAs is null || windowsNode
            ? []
            : [new(Field, "is supported on Windows nodes only: on other systems, run the program under another user with its own means (a systemd unit's User=, or su/setpriv in the executable's place)")];
}
