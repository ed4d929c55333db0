namespace Vigil.Shared.Messages;

/// <summary>Host-wide resource usage measured by the agent.</summary>
public sealed record HostMetrics
{
    /// <summary>CPU use over the last interval across all cores, 0–100.</summary>
    public required double CpuPercent { get; init; }

    public required long MemoryTotalBytes { get; init; }

    /// <summary>Memory available to new work without swapping (MemAvailable on Linux).</summary>
    public required long MemoryAvailableBytes { get; init; }

    /// <summary>Seconds since the operating system started.</summary>
    public required long UptimeSeconds { get; init; }

    /// <summary>Free space of each fixed volume.</summary>
    public IReadOnlyList<VolumeReport> Volumes { get; init; } = [];
}
