using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL server shared by the tests of this assembly (an assembly fixture: take it
/// in a test class's constructor; it also works as an <c>IClassFixture</c>), each test asking it for
/// a fresh database. The server starts when a test first asks, so tests that never use PostgreSQL
/// neither wait for it nor fail on a machine without it; it is stopped and deleted after the last
/// test. Tests that stop the server start a <see cref="PostgresServer"/> of their own instead.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    // Not bound to one test's cancellation: the server outlives the test that started it.
    private readonly Lazy<Task<PostgresServer>> _server = new(() => PostgresServer.StartAsync());

    /// <summary>The shared server, started on first use.</summary>
    public Task<PostgresServer> ServerAsync() => _server.Value;

    /// <summary>A fresh, empty database on the shared server; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var server = await _server.Value.WaitAsync(cancellationToken);
        return await server.CreateDatabaseAsync(cancellationToken: cancellationToken);
    }

    /// <summary>A fresh database as a control plane under test takes it (<see cref="ControlPlaneHost"/>).</summary>
    public async Task<TestDatabase> CreateTestDatabaseAsync(CancellationToken cancellationToken = default) =>
        TestDatabase.PostgreSql(await CreateDatabaseAsync(cancellationToken));

    /// <summary>Nothing to do yet: the server starts on first use.</summary>
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (!_server.IsValueCreated)
        {
            return;
        }

        // A start that failed has already cleaned up after itself, and its tests reported why.
        var start = _server.Value;
        await ((Task)start).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (start.IsCompletedSuccessfully)
        {
            await start.Result.DisposeAsync();
        }
    }
}
