namespace Vigil.Shared.Messages;

/// <summary>Space on one disk volume of the host.</summary>
public sealed record VolumeReport
{
    /// <summary>Drive (<c>C:\</c>) or mount point (<c>/var</c>).</summary>
    public required string Name { get; init; }

    public required long TotalBytes { get; init; }

    public required long FreeBytes { get; init; }
}
