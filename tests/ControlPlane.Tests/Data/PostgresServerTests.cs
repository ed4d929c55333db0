using Npgsql;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>
/// The throwaway PostgreSQL server that the database tests rely on, where it does more than the
/// migration tests show: going away and coming back, and cleaning up. Each test has its own server,
/// since stopping the shared one would break the tests running beside it.
/// </summary>
public sealed class PostgresServerTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stopped_server_refuses_connections_and_after_starting_again_serves_the_same_data_on_the_same_port()
    {
        await using var server = await PostgresServer.StartAsync(Cancellation);
        var connectionString = await server.CreateDatabaseAsync(cancellationToken: Cancellation);
        await ExecuteAsync(connectionString, "CREATE TABLE kept (value integer); INSERT INTO kept VALUES (42);");
        var port = server.Port;

        await server.StopAsync(Cancellation);

        Assert.False(server.IsRunning);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ExecuteAsync(connectionString, "SELECT 1"));

        await server.StartAgainAsync(Cancellation);

        Assert.True(server.IsRunning);
        Assert.Equal(port, server.Port);
        Assert.Equal(42, await ScalarAsync(connectionString, "SELECT value FROM kept"));
    }

    [Fact]
    public async Task Each_created_database_is_new_and_empty()
    {
        await using var server = await PostgresServer.StartAsync(Cancellation);

        var first = await server.CreateDatabaseAsync(cancellationToken: Cancellation);
        await ExecuteAsync(first, "CREATE TABLE only_in_first (value integer);");
        var second = await server.CreateDatabaseAsync(cancellationToken: Cancellation);

        Assert.NotEqual(first, second);
        Assert.Equal(0L, await ScalarAsync(second, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        Assert.Equal(1L, await ScalarAsync(first, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task Disposing_a_server_stops_it_and_deletes_its_folder()
    {
        var server = await PostgresServer.StartAsync(Cancellation);
        var connectionString = server.ConnectionStringFor("postgres");
        Assert.Equal(1, await ScalarAsync(connectionString, "SELECT 1"));

        await server.DisposeAsync();

        Assert.False(Directory.Exists(server.ClusterDirectory), $"{server.ClusterDirectory} is left behind.");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ExecuteAsync(connectionString, "SELECT 1"));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Cancellation);
    }
}
