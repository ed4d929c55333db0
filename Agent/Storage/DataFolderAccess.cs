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
    /// <summary>Checks the folder and makes it owner-only where it is not. Null when it is (now) owner-only, else why not.</summary>
    string? MakeOwnerOnly(string path);

    public static IDataFolderAccess ForThisMachine() => OperatingSystem.IsWindows() ? new WindowsDataFolderAccess() : new UnixDataFolderAccess();
}

public sealed class UnixDataFolderAccess : IDataFolderAccess
{
    private const UnixFileMode OthersMayWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    public string? MakeOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var folder = Directory.CreateDirectory(path);
        if ((folder.UnixFileMode & OthersMayWrite) != 0)
        {
            try
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
            {
                return $"its mode is {Convert.ToString((int)folder.UnixFileMode, 8)}, writable by others, and could not be changed to 700: {exception.Message}";
            }
        }

        return (File.GetUnixFileMode(path) & OthersMayWrite) != 0 ? "it is writable by others" : null;
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

    public string? MakeOwnerOnly(string path)
    {
        var folder = Directory.CreateDirectory(path);
        if (OthersWhoMayWrite(folder) is null)
        {
            return null;
        }

        try
        {
            OwnerOnlyFolder.Create(path);
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException or InvalidOperationException)
        {
            return $"{OthersWhoMayWrite(folder)} may write to it, and its access list could not be set to SYSTEM and Administrators only: {exception.Message}";
        }

        return OthersWhoMayWrite(folder) is { } others ? $"{others} may still write to it" : null;
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
