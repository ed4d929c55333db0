using System.Runtime.Versioning;
using System.Security.Cryptography;
using Vigil.Agent.Identity;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// A run-as password at rest: DPAPI with the machine's key, as the agent's own credential
/// (<see cref="AgentCredentialFile"/>), written <c>dpapi:&lt;base64&gt;</c>. Only this machine can read it, and
/// the agent reads it only when it logs the account on.
/// </summary>
[SupportedOSPlatform("windows")]
public static class RunAsPassword
{
    private static readonly MachineDpapiProtection Protection = new("Vigil run-as password"u8.ToArray());

    public static string Protect(string password) => RunAsAccounts.ProtectedPrefix + Protection.Protect(password);

    /// <summary>The password in clear; a <see cref="ServiceOperationException"/> naming <c>RunAs:Password</c> when this machine cannot read it.</summary>
    public static string Unprotect(string stored)
    {
        try
        {
            return Protection.Unprotect(stored[RunAsAccounts.ProtectedPrefix.Length..]);
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            throw new Runtime.ServiceOperationException(
                $"its run-as password cannot be read on this machine ({exception.Message}): it was protected on another machine or is damaged; run the agent's '{Shared.Validation.RunAsRules.ProtectCommand}' command on this node and set its output as RunAs:Password",
                exception,
                key: "RunAs:Password");
        }
    }
}
