namespace Vigil.Shared.Protocol;

/// <summary>
/// Versions of the agent ↔ control plane protocol. A change that an older peer cannot read gets a
/// new version; the control plane lists every version it still speaks.
/// </summary>
public static class ProtocolVersions
{
    /// <summary>The version this build of the agent speaks.</summary>
    public const int Current = 1;

    /// <summary>The versions this build of the control plane accepts.</summary>
    public static IReadOnlyList<int> Supported { get; } = [1];

    public static bool IsSupported(int version) => Supported.Contains(version);

    public static string Describe() => string.Join(", ", Supported);
}
