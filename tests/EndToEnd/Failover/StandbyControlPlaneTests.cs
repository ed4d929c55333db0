using System.Net.Http.Json;
using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Failover;

/// <summary>
/// Two real control planes on one PostgreSQL database, the second a standby, and a real agent that
/// knows both addresses: whichever instance decides goes away (a planned stop, then a kill), the other
/// takes over, the agent follows, and the protected service runs on without a restart.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class StandbyControlPlaneTests : IAsyncLifetime
{
    private readonly string _folder = RepositoryLayout.NewTemporaryDirectory("e2e-standby");
    private PostgresServer? _postgres;

    public async ValueTask InitializeAsync() => _postgres = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        StrayProcesses.KillMentioning(_folder);
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <param name="throughNginx">The agent knows one address, the shipped nginx example's in front of both; otherwise both instances'.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_standby_takes_over_from_a_stopped_then_a_killed_decider_and_the_protected_service_never_restarts(bool throughNginx)
    {
        var database = await _postgres!.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var settings = new Dictionary<string, string?>
        {
            ["Database__Provider"] = "PostgreSql",
            ["Database__ConnectionString"] = _postgres.ConnectionStringFor(database),
            ["Decider__Standby"] = "true",
            ["Decider__LeaseDuration"] = "00:00:03",
            ["Decider__RenewInterval"] = "00:00:00.500",
            ["Decider__StandbyCheckInterval"] = "00:00:00.250",
            ["Decider__ClockSkewAllowance"] = "00:00:00.500",
            // Longer than a crashed decider's lease and the agent's way to the other instance: no active lease lapses meanwhile.
            ["Failover__Lease"] = "00:00:08",
        };
        await using var first = await RunningControlPlane.StartAsync(settings: settings);
        await using var second = await RunningControlPlane.StartAsync(settings: settings, standingBy: true);
        await Eventually.HoldsAsync(() => second.Process.OutputContains("Standing by"), "the second instance stands by", TimeSpan.FromSeconds(60));

        var port = RepositoryLayout.FreePort();
        var stateFile = Path.Combine(_folder, "web.state");
        var config = AgentConfigFile.Write(_folder, TestServiceProgram.ProcessService("web", port, stateFile));
        await using var nginx = throughNginx ? await NginxProxy.StartAsync(first.Url, second.Url) : null;
        var agent = nginx is null
            ? first.StartAgent("node1", Path.Combine(_folder, "agent"), configFile: config, nextControlPlaneUrl: second.Url)
            : first.StartAgent("node1", Path.Combine(_folder, "agent"), configFile: config, controlPlaneUrl: nginx.Url);
        var nodeId = await NodeIdAsync(first);
        await CreateGroupAsync(first, nodeId);
        await Eventually.HoldsAsync(() => HoldsLeaseAsync(first), "the member is active and holds its lease", TimeSpan.FromSeconds(60));

        // Settled: an active member without its first lease yet holds its service stopped, so the service that ran
        // before its group existed may be stopped right after its activation and started again under the lease.
        await Eventually.HoldsAsync(
            () => SettledAfterActivation(agent.Output) && NetworkNamespace.Answers(null, port) && StateFileCaughtUp(stateFile, agent.Output),
            "the service runs under its first lease",
            TimeSpan.FromSeconds(30));
        var stoppedAt = DateTimeOffset.UtcNow;

        // A planned stop: its lease ends at once, the standby takes over, the agent follows.
        await first.StopGracefullyAsync();
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(20));
        Assert.True(second.Process.OutputContains("after standing by"), second.Process.Output);
        await Eventually.HoldsAsync(() => HoldsLeaseAsync(second), "the member holds a lease from the second instance", TimeSpan.FromSeconds(30));
        Assert.True(ChangedSince(stateFile, stoppedAt) is null, $"restarted at the planned stop:{Environment.NewLine}{agent.Output}{Environment.NewLine}{second.Process.Output}");

        // A crash: the restarted first instance stands by, and takes over once the killed one's lease has lapsed.
        await first.StartAgainAsync(standingBy: true);
        await Eventually.HoldsAsync(() => first.Process.OutputContains("Standing by"), "the first instance stands by again", TimeSpan.FromSeconds(60));
        await second.KillAsync();
        await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(() => HoldsLeaseAsync(first), "the member holds a lease from the first instance again", TimeSpan.FromSeconds(30));

        Assert.True(ChangedSince(stateFile, stoppedAt) is null, $"restarted at the crash:{Environment.NewLine}{agent.Output}{Environment.NewLine}{first.Process.Output}");
        Assert.DoesNotContain("lapsed", agent.Output, StringComparison.Ordinal);
        Assert.True(NetworkNamespace.Answers(null, port), "the service answers");
    }

    /// <summary>The agent reported the activation, and a start after any stop that followed it.</summary>
    internal static bool SettledAfterActivation(string output)
    {
        var activated = output.IndexOf("Activate done", StringComparison.Ordinal);
        if (activated < 0)
        {
            return false;
        }

        var stopped = output.LastIndexOf("ServiceStopped web", StringComparison.Ordinal);
        return stopped < activated || output.LastIndexOf("ServiceStarted web", StringComparison.Ordinal) > stopped;
    }

    /// <summary>
    /// The test service wrote its "started" line for every start the agent logged: it writes it once it
    /// listens, a moment after the agent launched it, so the port can answer before the line is there.
    /// </summary>
    internal static bool StateFileCaughtUp(string stateFile, string output)
    {
        var state = TestServiceProgram.ReadState(stateFile);
        var launched = output.Split('\n').Count(line => line.Contains("ServiceStarted web", StringComparison.Ordinal));
        return state.Count > 0 && state[^1].What == "started" && state.Count(s => s.What == "started") == launched;
    }

    /// <summary>The first start or stop of the service the test service recorded after <paramref name="since"/>; null: none.</summary>
    internal static (string What, int ProcessId, DateTimeOffset At)? ChangedSince(string stateFile, DateTimeOffset since) =>
        TestServiceProgram.ReadState(stateFile).Where(s => s.At > since).Select(s => ((string, int, DateTimeOffset)?)s).FirstOrDefault();

    internal static async Task<Guid> NodeIdAsync(RunningControlPlane controlPlane)
    {
        using var http = controlPlane.CreateHttpClient();
        Guid? id = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                var nodes = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/nodes", UriKind.Relative));
                id = nodes.GetProperty("items").EnumerateArray().Select(n => (Guid?)n.GetProperty("id").GetGuid()).FirstOrDefault();
                return id is not null;
            },
            "the agent registered",
            TimeSpan.FromSeconds(60));
        return id!.Value;
    }

    internal static async Task CreateGroupAsync(RunningControlPlane controlPlane, Guid nodeId)
    {
        using var http = controlPlane.CreateHttpClient();
        using var response = await http.PostAsJsonAsync(
            new Uri("/api/v1/groups", UriKind.Relative),
            new { name = "web", members = new[] { new { nodeId, service = "web", priority = 1 } } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    internal static async Task<bool> HoldsLeaseAsync(RunningControlPlane controlPlane)
    {
        using var http = controlPlane.CreateHttpClient(TimeSpan.FromSeconds(5));
        var groups = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/groups", UriKind.Relative));
        return groups.EnumerateArray().SelectMany(g => g.GetProperty("members").EnumerateArray())
            .Any(m => m.GetProperty("reachable").GetBoolean() && m.GetProperty("holdsLease").ValueKind == JsonValueKind.True);
    }
}
