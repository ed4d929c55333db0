using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>The PostgreSQL schema, applied the two ways it reaches a real database: by the DBA's script and by the control plane.</summary>
public sealed class PostgreSqlMigrationsTests(PostgresFixture postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_committed_script_brings_an_empty_database_up_to_date_and_can_be_applied_again()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Cancellation);
        var script = CommittedScript.Read(DatabaseProvider.PostgreSql);

        await ExecuteAsync(connectionString, script);
        await ExecuteAsync(connectionString, script);

        await using (var db = Open(connectionString))
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancellation));
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Cancellation));
        }

        await StoredNodes.AssertRoundTripAsync(() => Open(connectionString), Cancellation);
    }

    [Fact]
    public async Task Migrating_an_empty_database_creates_a_schema_that_stores_and_reads_nodes()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Cancellation);

        await using (var db = Open(connectionString))
        {
            await db.Database.MigrateAsync(Cancellation);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancellation));
        }

        await StoredNodes.AssertRoundTripAsync(() => Open(connectionString), Cancellation);
    }

    private static VigilDbContext Open(string connectionString) => ProviderContexts.Open(DatabaseProvider.PostgreSql, connectionString);

    /// <summary>Runs the whole script in one command, statements and transaction as written (as psql -f would).</summary>
    private static async Task ExecuteAsync(string connectionString, string script)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(script, connection);
        await command.ExecuteNonQueryAsync(Cancellation);
    }
}
