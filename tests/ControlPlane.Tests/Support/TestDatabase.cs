using Vigil.ControlPlane.Data;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>A database and data directory for one control plane under test (kept across its restarts).</summary>
public sealed class TestDatabase : IDisposable
{
    private TestDatabase(DatabaseProvider provider, string connectionString, string dataDirectory)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>Empty for SQLite: the control plane then uses vigil.db in <see cref="DataDirectory"/>.</summary>
    public string ConnectionString { get; }

    public string DataDirectory { get; }

    public static TestDatabase Sqlite() => new(DatabaseProvider.Sqlite, "", RepositoryLayout.NewTemporaryDirectory("controlplane"));

    public static TestDatabase PostgreSql(string connectionString) =>
        new(DatabaseProvider.PostgreSql, connectionString, RepositoryLayout.NewTemporaryDirectory("controlplane"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log file may still be open on the way down; the OS temp cleaner takes the rest.
        }
    }
}
