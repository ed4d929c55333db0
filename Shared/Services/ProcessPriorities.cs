namespace Vigil.Shared.Services;

/// <summary>
/// The scheduling priorities a <c>process</c> service may be given, named as Windows names its
/// priority classes (NSSM's and WinSW's settings use the same names). Real-time is left out on
/// purpose: a busy real-time process starves the machine, the agent included.
/// </summary>
public static class ProcessPriorities
{
    public const string Idle = "Idle";
    public const string BelowNormal = "BelowNormal";
    public const string Normal = "Normal";
    public const string AboveNormal = "AboveNormal";
    public const string High = "High";

    public static IReadOnlyList<string> All { get; } = [Idle, BelowNormal, Normal, AboveNormal, High];

    /// <summary>The highest processor index an affinity may name (one Windows processor group).</summary>
    public const int MaxProcessorIndex = 63;
}
