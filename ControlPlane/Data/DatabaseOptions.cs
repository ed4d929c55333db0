using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Data;

/// <summary>Where and how the control plane stores its state. Bound from the <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Required for SQL Server and PostgreSQL. For SQLite, defaults to <c>vigil.db</c> in the data directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when the control plane starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>How long to keep trying to reach the database at start before giving up.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the time of each node's last heartbeat is written (in one batch).</summary>
    public TimeSpan LastSeenFlushInterval { get; set; } = TimeSpan.FromSeconds(5);
}
