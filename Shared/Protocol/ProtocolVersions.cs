namespace Vigil.Shared.Protocol;

/// <summary>
/// Versions of the agent ↔ control plane protocol. A change that an older peer cannot read gets a
/// new version; the control plane lists every version it still speaks.
/// </summary>
public static class ProtocolVersions
{
    /// <summary>The version this build of the agent speaks.</summary>
    public const int Current = 2;

    /// <summary>The versions this build of the control plane accepts.</summary>
    /// <remarks>Version 2: role grants and lease renewals carry the group's versioned terms and the fence
    /// allowance, role reports the terms they hold, registrations the agent's instance and their answer the
    /// node's memberships. A version 1 agent would keep the isolation of its first grant for ever.</remarks>
    public static IReadOnlyList<int> Supported { get; } = [2];

    public static bool IsSupported(int version) => Supported.Contains(version);

    public static string Describe() => string.Join(", ", Supported);
}
