namespace Vigil.ControlPlane.Data.Decider;

/// <summary>
/// The lease of the control-plane instance that decides (runs failover decisions): one row per lease,
/// today the single <see cref="DeciderName"/> row.
/// </summary>
public sealed class DeciderLease
{
    public const string DeciderName = "decider";

    public required string Name { get; set; }

    /// <summary>The holding instance: the id kept in its data directory.</summary>
    public Guid HolderId { get; set; }

    /// <summary>Where the holder runs, for operators: host name and process id.</summary>
    public required string HolderName { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Fencing token: grows by one each time another run takes the lease over.</summary>
    public long Token { get; set; }
}
