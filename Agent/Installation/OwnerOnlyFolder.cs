using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace Vigil.Agent.Installation;

/// <summary>
/// A folder only the machine's administrators and the agent (SYSTEM on Windows, its user elsewhere)
/// may open: on Windows a protected access list with full control for SYSTEM and Administrators,
/// inherited by everything inside; elsewhere mode 0700.
/// </summary>
public static class OwnerOnlyFolder
{
    public static void Create(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return;
        }

        Restrict(Directory.CreateDirectory(path));
    }

    [SupportedOSPlatform("windows")]
    private static void Restrict(DirectoryInfo folder)
    {
        var security = new DirectorySecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        foreach (var owner in new[] { WellKnownSidType.LocalSystemSid, WellKnownSidType.BuiltinAdministratorsSid })
        {
            security.AddAccessRule(new FileSystemAccessRule(
                new SecurityIdentifier(owner, null),
                FileSystemRights.FullControl,
                InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit,
                PropagationFlags.None,
                AccessControlType.Allow));
        }

        folder.SetAccessControl(security);
    }
}
