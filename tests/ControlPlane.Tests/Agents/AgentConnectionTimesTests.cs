using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Tests.Data;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>
/// The writer of when agents last connected, on a real SQLite database that refuses one agent's row
/// (a trigger raises an error, as a damaged row or a database policy would), and on a real PostgreSQL
/// server that goes away and comes back.
/// </summary>
public sealed class AgentConnectionTimesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly CapturedLogs _logs = new();
    private readonly LoggerFactory _loggers;
    private TestDatabase _database = null!;
    private IDbContextFactory<VigilDbContext> _databases = null!;

    public AgentConnectionTimesTests() => _loggers = new LoggerFactory([_logs]);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _loggers.Dispose();
        _database?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_time_the_database_refuses_is_set_aside_with_an_error_and_the_other_agents_times_are_written()
    {
        _database = TestDatabase.Sqlite();
        _databases = new Databases(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_database.DataDirectory, "vigil.db")};Pooling=false");
        await MigrateAsync();
        var refused = await AddAgentAsync("refused-host");
        var good = await AddAgentAsync("good-host");
        await using (var db = await _databases.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER refuse_connection_time BEFORE UPDATE OF LastConnectedAt ON Agents WHEN NEW.HostName = 'refused-host' BEGIN SELECT RAISE(ABORT, 'row refused'); END",
                TestContext.Current.CancellationToken);
        }

        using var times = StartWriter();
        await times.StartAsync(TestContext.Current.CancellationToken);
        times.Note(refused);
        times.Note(good);
        await Eventually.HoldsAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(2));
                return await LastConnectedAsync(good) == Start && _logs.Contains(LogLevel.Error, refused.ToString(), "set aside");
            },
            "the good agent's time is written and the refused one logged");

        _clock.Advance(TimeSpan.FromMinutes(1));
        times.Note(good);
        var reconnected = _clock.GetUtcNow();
        await Eventually.HoldsAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(2));
                return await LastConnectedAsync(good) == reconnected;
            },
            "a later connection is written");
        await times.StopAsync(TestContext.Current.CancellationToken);

        Assert.Null(await LastConnectedAsync(refused));
    }

    [Fact]
    public async Task Times_noted_while_the_database_is_away_are_written_when_it_returns()
    {
        await using var server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        _database = TestDatabase.PostgreSql(await server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));
        _databases = new Databases(DatabaseProvider.PostgreSql, _database.ConnectionString);
        await MigrateAsync();
        var agent = await AddAgentAsync("web-1");
        using var times = StartWriter();
        await times.StartAsync(TestContext.Current.CancellationToken);

        await server.StopAsync(TestContext.Current.CancellationToken);
        times.Note(agent);
        await Eventually.HoldsAsync(
            () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(2));
                return _logs.Contains(LogLevel.Warning, "Cannot write when agents last connected");
            },
            "the outage is logged");
        await server.StartAgainAsync(TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(5));
                return await LastConnectedAsync(agent) == Start;
            },
            "the time noted meanwhile is written",
            TimeSpan.FromSeconds(60));
        await times.StopAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private AgentConnectionTimes StartWriter()
    {
        var readiness = new DatabaseReadiness(_databases);
        readiness.MarkStarted();
        return new AgentConnectionTimes(_databases, readiness, _clock, _loggers.CreateLogger<AgentConnectionTimes>());
    }

    private async Task MigrateAsync()
    {
        await using var db = await _databases.CreateDbContextAsync(TestContext.Current.CancellationToken);
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    private async Task<Guid> AddAgentAsync(string hostName)
    {
        await using var db = await _databases.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var agent = new EnrolledAgent
        {
            Id = Guid.NewGuid(),
            NodeId = Guid.NewGuid(),
            HostName = hostName,
            SecretHash = Guid.NewGuid().ToByteArray(),
            EnrolledAt = Start,
            State = EnrolledAgentState.Approved,
        };
        db.Agents.Add(agent);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return agent.Id;
    }

    private async Task<DateTimeOffset?> LastConnectedAsync(Guid agentId)
    {
        await using var db = await _databases.CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await db.Agents.Where(a => a.Id == agentId).Select(a => a.LastConnectedAt).SingleAsync(TestContext.Current.CancellationToken);
    }

    private sealed class Databases(DatabaseProvider provider, string connectionString) : IDbContextFactory<VigilDbContext>
    {
        public VigilDbContext CreateDbContext() => ProviderContexts.Open(provider, connectionString);
    }
}
