namespace Vigil.Shared.Services;

/// <summary>How the agent controls a managed service.</summary>
public static class ServiceKinds
{
    /// <summary>A service of the Windows service control manager, by its service name.</summary>
    public const string Windows = "windows";

    /// <summary>An executable the agent itself launches and owns, like NSSM or WinSW.</summary>
    public const string Process = "process";

    public static IReadOnlyList<string> All { get; } = [Process, Windows];
}
