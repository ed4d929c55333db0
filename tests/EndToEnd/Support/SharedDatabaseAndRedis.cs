using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// One PostgreSQL server and one Redis for a test, and what control-plane instances that share them run
/// as: both with <c>Decider:Standby=true</c>, the first deciding, the second standing by and relaying the
/// agents that connect to it.
/// </summary>
public sealed class SharedDatabaseAndRedis : IAsyncDisposable
{
    /// <summary>The crash-tolerant settings of the operator guide: a member's lease outlasts a crashed decider's.</summary>
    public static readonly IReadOnlyDictionary<string, string?> CrashTolerant = new Dictionary<string, string?>
    {
        ["Decider__LeaseDuration"] = "00:00:03",
        ["Decider__RenewInterval"] = "00:00:00.500",
        ["Decider__StandbyCheckInterval"] = "00:00:00.250",
        ["Decider__ClockSkewAllowance"] = "00:00:00.500",
        ["Failover__Lease"] = "00:00:08",
    };

    private SharedDatabaseAndRedis(PostgresServer postgres, RedisServer redis)
    {
        Postgres = postgres;
        Redis = redis;
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    public static async Task<SharedDatabaseAndRedis> StartAsync()
    {
        var postgres = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            return new SharedDatabaseAndRedis(postgres, await RedisServer.StartAsync(TestContext.Current.CancellationToken));
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts two instances on a fresh database; returns once the second relays.</summary>
    /// <param name="extra">More settings for both, e.g. <see cref="CrashTolerant"/>.</param>
    public async Task<(RunningControlPlane Deciding, RunningControlPlane Relaying)> StartInstancesAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var database = await Postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var settings = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>())
        {
            ["Database__Provider"] = "PostgreSql",
            ["Database__ConnectionString"] = Postgres.ConnectionStringFor(database),
            ["Decider__Standby"] = "true",
            ["Redis__Configuration"] = Redis.Configuration,
        };
        var first = await RunningControlPlane.StartAsync(settings: settings);
        var second = await RunningControlPlane.StartAsync(settings: settings, standingBy: true);
        await Eventually.HoldsAsync(() => second.Process.OutputContains("relaying the agents"), "the second instance stands by and relays", TimeSpan.FromSeconds(60));
        return (first, second);
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
