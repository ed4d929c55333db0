using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>Logs a run-as account on, so that a process can be started under it.</summary>
public interface IAccountLogon
{
    /// <summary>
    /// A primary token of <paramref name="account"/>, logged on with <paramref name="password"/> (null for
    /// accounts without one); a <see cref="ServiceOperationException"/> naming <c>RunAs</c> when Windows refuses.
    /// </summary>
    SafeAccessTokenHandle LogOn(RunAsIdentity account, string? password);
}

/// <summary>
/// <c>LogonUser</c> with the service logon type, as the service control manager logs a service's account on:
/// a user needs the "Log on as a service" right; LocalService, NetworkService, virtual and group managed
/// service accounts need no password, and the agent (running as SYSTEM) may log them on.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed partial class WindowsAccountLogon : IAccountLogon
{
    private const int Logon32LogonService = 5;
    private const int Logon32ProviderDefault = 0;

    public SafeAccessTokenHandle LogOn(RunAsIdentity account, string? password)
    {
        if (LogonUserW(account.Name, account.Domain, password, Logon32LogonService, Logon32ProviderDefault, out var token))
        {
            return token;
        }

        var code = Marshal.GetLastPInvokeError();
        token.Dispose();
        throw new ServiceOperationException(LogonRefusal.Describe(account, code, Marshal.GetPInvokeErrorMessage(code)), key: "RunAs:User");
    }

    [LibraryImport("advapi32.dll", EntryPoint = "LogonUserW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool LogonUserW(string user, string? domain, string? password, int logonType, int logonProvider, out SafeAccessTokenHandle token);
}

/// <summary>Why Windows refused to log a run-as account on or to start a process under it, with what to do for the usual causes. Pure.</summary>
public static class LogonRefusal
{
    /// <summary>The account was logged on, but Windows refused to start the process under it.</summary>
    public static string DescribeStart(string executable, RunAsIdentity account, int code, string message)
    {
        var hint = code switch
        {
            5 => ": the account needs the right to read and run the executable and its working directory",
            1314 => ": the agent needs the privileges of SYSTEM to start a process under another account; run it as the LocalSystem service",
            _ => "",
        };
        return string.Create(CultureInfo.InvariantCulture, $"Windows refused to start '{executable}' under the run-as account '{account}': {message.TrimEnd('.', ' ')} (error {code}){hint}");
    }

    public static string Describe(RunAsIdentity account, int code, string message)
    {
        var hint = code switch
        {
            1326 => account.NeedsPassword ? ": check the account's name and set a new RunAs:Password with the agent's 'protect-password' command" : "",
            1385 => ": grant the account the \"Log on as a service\" right (SeServiceLogonRight) on this node",
            1317 or 1332 => ": the account does not exist (for a virtual account NT SERVICE\\Name, a Windows service of that name must exist)",
            1330 => ": set a new password for the account, then a new RunAs:Password with the agent's 'protect-password' command",
            1331 or 1909 => ": the account is disabled or locked out",
            _ => "",
        };
        return string.Create(CultureInfo.InvariantCulture, $"Windows refused to log on the run-as account '{account}': {message.TrimEnd('.', ' ')} (error {code}){hint}");
    }
}
