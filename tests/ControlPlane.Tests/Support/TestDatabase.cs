using Vigil.ControlPlane.Data;

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

    public static TestDatabase Sqlite() => new(DatabaseProvider.Sqlite, "", NewDataDirectory());

    public static TestDatabase PostgreSql(string connectionString) => new(DatabaseProvider.PostgreSql, connectionString, NewDataDirectory());

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

    private static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "vigil-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
