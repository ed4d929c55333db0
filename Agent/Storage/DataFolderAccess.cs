using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
using Vigil.Agent.Installation;

namespace Vigil.Agent.Storage;

/// <summary>
/// Keeps the agent's data folder owner-only (SYSTEM and Administrators on Windows, the agent's user
/// with mode 0700 elsewhere): what the agent reads back from it (the desired configuration above
/// all, which says what to run) must not be something another user planted.
/// </summary>
public interface IDataFolderAccess
{
    /// <summary>Checks the folder and makes it owner-only where it is not.</summary>
    OwnerOnlyCheck MakeOwnerOnly(string path);

    public static IDataFolderAccess ForThisMachine() => OperatingSystem.IsWindows() ? new WindowsDataFolderAccess() : new UnixDataFolderAccess();
}

/// <summary>
/// What a check of the data folder found: whether others could write to it before the check
/// (<see cref="OpenBefore"/>: what the files in it may have been planted through), and whether they
/// still can (<see cref="StillOpen"/>: it could not be made owner-only).
/// </summary>
public readonly record struct OwnerOnlyCheck(string? OpenBefore, string? StillOpen)
{
    public static OwnerOnlyCheck AlreadyOwnerOnly => default;
}

public sealed class UnixDataFolderAccess : IDataFolderAccess
{
    private const UnixFileMode OthersMayWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    public OwnerOnlyCheck MakeOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return OwnerOnlyCheck.AlreadyOwnerOnly;
        }

        var folder = Directory.CreateDirectory(path);
        if ((folder.UnixFileMode & OthersMayWrite) == 0)
        {
            return OwnerOnlyCheck.AlreadyOwnerOnly;
        }

        var found = $"its mode was {Convert.ToString((int)folder.UnixFileMode, 8)}, writable by others";
        try
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            return new OwnerOnlyCheck(found, $"{found}, and could not be changed to 700: {exception.Message}");
        }

        return new OwnerOnlyCheck(found, (File.GetUnixFileMode(path) & OthersMayWrite) != 0 ? "it is writable by others" : null);
    }
}

[SupportedOSPlatform("windows")]
public sealed class WindowsDataFolderAccess : IDataFolderAccess
{
    private const FileSystemRights Writing = FileSystemRights.WriteData | FileSystemRights.AppendData | FileSystemRights.WriteExtendedAttributes
        | FileSystemRights.WriteAttributes | FileSystemRights.Delete | FileSystemRights.DeleteSubdirectoriesAndFiles
        | FileSystemRights.ChangePermissions | FileSystemRights.TakeOwnership;

    /// <summary>
    /// SYSTEM, Administrators and the account the agent runs as (SYSTEM as a service; under Wine, or in
    /// a console, the user whose folder it is).
    /// </summary>
    private static readonly SecurityIdentifier[] Owners =
    [
        new(WellKnownSidType.LocalSystemSid, null),
        new(WellKnownSidType.BuiltinAdministratorsSid, null),
        .. WindowsIdentity.GetCurrent().User is { } self ? [self] : Array.Empty<SecurityIdentifier>(),
    ];

    public OwnerOnlyCheck MakeOwnerOnly(string path)
    {
        var folder = Directory.CreateDirectory(path);
        if (OthersWhoMayWrite(folder) is not { } others)
        {
            return OwnerOnlyCheck.AlreadyOwnerOnly;
        }

        var found = $"{others} could write to it";
        try
        {
            OwnerOnlyFolder.Create(path);
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException or InvalidOperationException)
        {
            return new OwnerOnlyCheck(found, $"{others} may write to it, and its access list could not be set to SYSTEM and Administrators only: {exception.Message}");
        }

        return new OwnerOnlyCheck(found, OthersWhoMayWrite(folder) is { } still ? $"{still} may still write to it" : null);
    }

    /// <summary>The accounts other than the owners an Allow rule lets write, or null.</summary>
    private static string? OthersWhoMayWrite(DirectoryInfo folder)
    {
        var rules = folder.GetAccessControl().GetAccessRules(includeExplicit: true, includeInherited: true, typeof(SecurityIdentifier));
        var others = rules.Cast<FileSystemAccessRule>()
            .Where(rule => rule.AccessControlType == AccessControlType.Allow && (rule.FileSystemRights & Writing) != 0)
            .Select(rule => (SecurityIdentifier)rule.IdentityReference)
            .Where(sid => !Owners.Contains(sid))
            .Select(NameOf)
            .Distinct()
            .ToList();
        return others.Count == 0 ? null : string.Join(", ", others);
    }

    private static string NameOf(SecurityIdentifier sid)
    {
        try
        {
            return sid.Translate(typeof(NTAccount)).Value;
        }
        catch (IdentityNotMappedException)
        {
            return sid.Value;
        }
    }
}
