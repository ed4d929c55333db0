namespace Vigil.ControlPlane.Data;

/// <summary>The database engines the control plane can store its state in.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded file database; the zero set-up default.</summary>
    Sqlite,
    SqlServer,
    PostgreSql,
}
