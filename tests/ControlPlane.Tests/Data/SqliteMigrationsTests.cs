using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>The SQLite schema in a real database file, by migrations and by the committed script.</summary>
public sealed class SqliteMigrationsTests : IDisposable
{
    private readonly string _directory = RepositoryLayout.NewTemporaryDirectory("sqlite-migrations");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(_directory, "vigil.db"),
        Pooling = false,
    }.ToString();

    [Fact]
    public async Task Migrating_an_empty_file_creates_a_schema_that_stores_and_reads_nodes()
    {
        await using (var db = Open())
        {
            await db.Database.MigrateAsync(Cancellation);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancellation));
        }

        Assert.True(File.Exists(Path.Combine(_directory, "vigil.db")));
        await StoredNodes.AssertRoundTripAsync(Open, Cancellation);
    }

    [Fact]
    public async Task The_committed_script_brings_an_empty_file_up_to_date()
    {
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync(Cancellation);
            await using var command = new SqliteCommand(CommittedScript.Read(DatabaseProvider.Sqlite), connection);
            await command.ExecuteNonQueryAsync(Cancellation);
        }

        await using (var db = Open())
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancellation));
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Cancellation));
        }

        await StoredNodes.AssertRoundTripAsync(Open, Cancellation);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private VigilDbContext Open() => ProviderContexts.Open(DatabaseProvider.Sqlite, ConnectionString);
}
