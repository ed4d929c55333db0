using System.Text;

namespace Vigil.Shared.Services;

/// <summary>
/// The Windows account a <c>process</c> service runs under instead of the agent's, as NSSM's and
/// WinSW's service accounts do. Its text never shows the password, not even protected.
/// </summary>
public sealed record RunAsAccount
{
    /// <summary>
    /// <c>DOMAIN\user</c>, <c>user@domain</c> or <c>.\user</c> (a local account), which need a password; a group
    /// managed service account (<c>DOMAIN\name$</c>), a virtual account (<c>NT SERVICE\Name</c>),
    /// <c>LocalService</c> or <c>NetworkService</c>, which have none; or <c>LocalSystem</c>, the agent's own account.
    /// </summary>
    public string? User { get; init; }

    /// <summary>
    /// The account's password, protected for the node it is on: the text the agent's <c>protect-password</c>
    /// command prints there (it starts with <see cref="RunAsAccounts.ProtectedPrefix"/>). Never in clear, and
    /// only in the agent's own configuration: the control plane cannot set it.
    /// </summary>
    public string? Password { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("User = ").Append(User).Append(", Password = ").Append(Password is null ? "null" : "(hidden)");
        return true;
    }
}

/// <summary>What kind of account a <see cref="RunAsAccount.User"/> names, which decides how the agent logs it on.</summary>
public enum RunAsKind
{
    /// <summary>The agent's own account (SYSTEM): the process starts as without a run-as account.</summary>
    LocalSystem,

    /// <summary><c>NT AUTHORITY\LocalService</c> or <c>NT AUTHORITY\NetworkService</c>: no password.</summary>
    BuiltInService,

    /// <summary>A virtual account, <c>NT SERVICE\Name</c>: no password.</summary>
    Virtual,

    /// <summary>A group managed service account (its name ends with <c>$</c>): Windows holds its password.</summary>
    ManagedService,

    /// <summary>A local or domain user: logged on with its password.</summary>
    User,
}

/// <summary>A run-as account split as the Windows logon asks for it: a domain (null for a <c>user@domain</c> name) and a name.</summary>
public sealed record RunAsIdentity(RunAsKind Kind, string? Domain, string Name)
{
    public bool NeedsPassword => Kind == RunAsKind.User;

    /// <summary>The account as an operator reads it, e.g. <c>CONTOSO\svc-orders</c>.</summary>
    public override string ToString() => Domain is null ? Name : $"{Domain}\\{Name}";
}

/// <summary>Reads the account names a <see cref="RunAsAccount"/> accepts. Pure.</summary>
public static class RunAsAccounts
{
    /// <summary>The start of a password protected by the agent's <c>protect-password</c> command.</summary>
    public const string ProtectedPrefix = "dpapi:";

    private const string NtAuthority = "NT AUTHORITY";
    private const string NtService = "NT SERVICE";
    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create("\"/\\[]:;|=,+*?<>@");

    /// <summary>The account <paramref name="user"/> names, or null when it is not an account name.</summary>
    public static RunAsIdentity? Parse(string? user)
    {
        var text = user?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 256 || text.Any(char.IsControl))
        {
            return null;
        }

        string? domain;
        string name;
        var backslash = text.IndexOf('\\', StringComparison.Ordinal);
        if (backslash >= 0)
        {
            domain = text[..backslash];
            name = text[(backslash + 1)..];
            if (domain.Length == 0)
            {
                return null;
            }
        }
        else if (text.IndexOf('@', StringComparison.Ordinal) is var at and > 0)
        {
            domain = null;
            name = text;
            if (!ValidName(text[..at]) || text[(at + 1)..] is not { Length: > 0 } suffix || suffix.AsSpan().ContainsAny(Forbidden))
            {
                return null;
            }

            return new(name[..at].EndsWith('$') ? RunAsKind.ManagedService : RunAsKind.User, null, name);
        }
        else
        {
            domain = null;
            name = text;
        }

        if (!ValidName(name))
        {
            return null;
        }

        var builtIn = domain is null || domain == "." || domain.Equals(NtAuthority, StringComparison.OrdinalIgnoreCase);
        if (builtIn && (Is(name, "LocalSystem") || (domain is not null && domain != "." && Is(name, "SYSTEM"))))
        {
            return new(RunAsKind.LocalSystem, NtAuthority, "SYSTEM");
        }

        if (builtIn && (Is(name, "LocalService") || Is(name, "Local Service")))
        {
            return new(RunAsKind.BuiltInService, NtAuthority, "LocalService");
        }

        if (builtIn && (Is(name, "NetworkService") || Is(name, "Network Service")))
        {
            return new(RunAsKind.BuiltInService, NtAuthority, "NetworkService");
        }

        if (domain is not null && domain.Equals(NtAuthority, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (domain is not null && domain.Equals(NtService, StringComparison.OrdinalIgnoreCase))
        {
            return new(RunAsKind.Virtual, NtService, name);
        }

        return new(name.EndsWith('$') ? RunAsKind.ManagedService : RunAsKind.User, domain ?? ".", name);
    }

    private static bool Is(string name, string wellKnown) => name.Equals(wellKnown, StringComparison.OrdinalIgnoreCase);

    private static bool ValidName(string name) =>
        name.Length is > 0 and <= 104 && name.Trim() == name && !name.AsSpan().ContainsAny(Forbidden) && name.Trim('.').Length > 0;
}
