using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Vigil.EndToEnd.Tests.Failover.StandbyControlPlaneTests;

namespace Vigil.EndToEnd.Tests.Failover;

/// <summary>
/// Two real control planes on one PostgreSQL database and one Redis, the second standing by and
/// relaying the agents that connect to it, and a real agent that knows both addresses, connected
/// through the relay: the active member's leases come from the deciding instance through Redis, its
/// role command reaches it through the SignalR backplane, and when the relaying instance is killed
/// the agent moves to the deciding one before its lease (the default 3 s) lapses, without a restart.
/// When the deciding instance is killed instead, the relaying one takes over with the agent it
/// relayed, and a rolling restart of both restarts no service. Users may be sent to either instance:
/// the relaying one forwards the dashboard, the API and enrolment to the deciding one.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class RelayingStandbyTests(Browser browser) : IAsyncLifetime
{
    private readonly string _folder = RepositoryLayout.NewTemporaryDirectory("e2e-relay");
    private SharedDatabaseAndRedis? _shared;

    public async ValueTask InitializeAsync() => _shared = await SharedDatabaseAndRedis.StartAsync();

    public async ValueTask DisposeAsync()
    {
        StrayProcesses.KillMentioning(_folder);
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_agent_connected_through_a_relaying_standby_holds_its_lease_and_moves_to_the_decider_without_a_restart_when_the_standby_is_killed()
    {
        var (first, second) = await _shared!.StartInstancesAsync();
        await using var deciding = first;
        await using var relaying = second;
        var (agent, port, stateFile) = await ActiveMemberThroughRelayAsync(first, second);
        var throughRelay = $"Registered with the control plane at {new Uri(second.Url, "hubs/agent")}";
        Assert.True(agent.OutputContains(throughRelay), agent.Output);
        Assert.False(
            agent.OutputContains($"Registered with the control plane at {new Uri(first.Url, "hubs/agent")}"),
            $"the agent left the relay before the kill:{Environment.NewLine}{agent.Output}");
        var killedAt = DateTimeOffset.UtcNow;

        await second.KillAsync();
        await Eventually.HoldsAsync(
            () => agent.OutputContains($"Registered with the control plane at {new Uri(first.Url, "hubs/agent")}"),
            "the agent registers with the deciding instance",
            TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(() => HoldsLeaseAsync(first), "the member holds its lease from the deciding instance", TimeSpan.FromSeconds(30));

        Assert.True(ChangedSince(stateFile, killedAt) is null, $"restarted when the relay was killed:{Environment.NewLine}{agent.Output}{Environment.NewLine}{first.Process.Output}");
        Assert.DoesNotContain("lapsed", agent.Output, StringComparison.Ordinal);
        Assert.True(NetworkNamespace.Answers(null, port), "the service answers");
    }

    [Fact]
    public async Task The_relaying_instance_serves_enrolment_the_api_and_a_live_dashboard_of_the_whole_fleet_by_forwarding_to_the_deciding_one()
    {
        var (first, second) = await _shared!.StartInstancesAsync();
        await using var deciding = first;
        await using var relaying = second;

        // Enrolled through the relaying instance, and connected there: the node is the deciding instance's.
        var agent = first.StartAgent("e2e-through-relay", Path.Combine(_folder, "agent"), controlPlaneUrl: second.Url, nextControlPlaneUrl: first.Url);
        await HoldsAsync(
            () => agent.OutputContains($"Registered with the control plane at {new Uri(second.Url, "hubs/agent")}"), "the agent enrols and registers through the relay", agent, first.Process, second.Process);

        using var api = second.CreateHttpClient();
        var ready = await api.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        var nodes = await api.GetStringAsync(new Uri("/api/v1/nodes", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("e2e-through-relay", nodes, StringComparison.Ordinal);
        var metrics = await api.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, metrics.StatusCode);

        // A user signed in through the relaying instance sees the fleet live through it (the circuit's WebSocket is forwarded).
        var page = await new Support.Dashboard(browser, second.Url).OpenAsync("/nodes");
        var liveness = page.Locator("tr", new() { Has = page.GetByTestId("node-name").GetByText("e2e-through-relay", new() { Exact = true }) }).GetByTestId("liveness");
        await Microsoft.Playwright.Assertions.Expect(liveness).ToHaveTextAsync("Alive", new() { Timeout = 30_000 });
        await agent.KillAsync();
        await Microsoft.Playwright.Assertions.Expect(liveness).ToHaveTextAsync("Lost", new() { Timeout = 30_000 });
        Assert.True(first.Process.OutputContains($"forward the dashboard, the API and enrolment to this one at {first.Url.ToString().TrimEnd('/')}"), first.Process.Output);
    }

    [Fact]
    public async Task While_redis_is_away_the_agent_moves_to_the_deciding_instance_without_a_restart_and_once_it_is_back_the_relay_serves_again()
    {
        var (first, second) = await _shared!.StartInstancesAsync();
        await using var deciding = first;
        await using var relaying = second;
        var (agent, _, stateFile) = await ActiveMemberThroughRelayAsync(first, second);
        var page = await new Support.Dashboard(browser, first.Url).OpenAsync("/");
        var banner = page.GetByTestId("dependency-banner");
        await Microsoft.Playwright.Assertions.Expect(banner).ToHaveCountAsync(0);
        var stoppedAt = DateTimeOffset.UtcNow;

        await _shared!.Redis.StopAsync(TestContext.Current.CancellationToken);

        // Said where an operator looks: the dashboard's banner and /readyz, which stays 200 (degraded, not down).
        await Microsoft.Playwright.Assertions.Expect(banner).ToContainTextAsync($"Redis at {_shared.Redis.Configuration} is unreachable", new() { Timeout = 30_000 });
        using (var probe = first.CreateHttpClient())
        {
            var ready = await probe.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);
            var said = await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
            Assert.StartsWith("Degraded\nredis: Degraded: Redis at", said, StringComparison.Ordinal);
        }
        await HoldsAsync(
            () => agent.OutputContains($"Registered with the control plane at {new Uri(first.Url, "hubs/agent")}"),
            "the agent registers with the deciding instance while Redis is away",
            agent,
            second.Process,
            first.Process);
        await Eventually.HoldsAsync(() => HoldsLeaseAsync(first), "the member holds its lease from the deciding instance", TimeSpan.FromSeconds(30));
        Assert.True(ChangedSince(stateFile, stoppedAt) is null, $"restarted while Redis was away:{Environment.NewLine}{agent.Output}");
        Assert.DoesNotContain("lapsed", agent.Output, StringComparison.Ordinal);

        await _shared.Redis.StartAgainAsync(TestContext.Current.CancellationToken);
        await HoldsAsync(
            () => first.Process.OutputContains("answers again") && second.Process.OutputContains("answers again"),
            "both instances are connected to Redis again",
            first.Process,
            second.Process);
        await Microsoft.Playwright.Assertions.Expect(banner).ToHaveCountAsync(0, new() { Timeout = 30_000 });

        // Relayed again: another agent (the official SignalR client, JSON like the agent) connects through the relay.
        // Until the deciding instance has subscribed again, the relay answers the upgrade with a 503.
        var otherNode = Guid.NewGuid();
        var enrolment = await TestAgentConnection.EnrollAsync(first.Url, RunningControlPlane.EnrollmentToken, otherNode, "node2");
        await HoldsAsync(
            async () =>
            {
                try
                {
                    await using var other = await TestAgentConnection.ConnectWithCredentialAsync(second.Url, enrolment.Credential, otherNode, "node2", HubWireProtocol.Json);
                    var accepted = await other.RegisterAsync();
                    var ack = await other.HeartbeatAsync();
                    return accepted.NodeId == otherNode && ack.Sequence > 0;
                }
                catch (Exception exception) when (exception is HttpRequestException or Microsoft.AspNetCore.SignalR.HubException or IOException or System.Net.WebSockets.WebSocketException)
                {
                    return false;
                }
            },
            "an agent that connects through the relay is relayed again",
            second.Process);

        Assert.True(ChangedSince(stateFile, stoppedAt) is null, $"restarted:{Environment.NewLine}{agent.Output}");
        Assert.DoesNotContain("lapsed", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_relaying_standby_takes_over_from_a_killed_decider_then_hands_over_at_a_planned_stop_and_the_service_never_restarts()
    {
        var (first, second) = await _shared!.StartInstancesAsync(SharedDatabaseAndRedis.CrashTolerant);
        await using var deciding = first;
        await using var relaying = second;
        var (agent, port, stateFile) = await ActiveMemberThroughRelayAsync(first, second);
        var since = DateTimeOffset.UtcNow;

        // The decider crashes while the member's agent is connected through the relay: the relay stops relaying and decides.
        await first.KillAsync();
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(20));
        Assert.True(second.Process.OutputContains("after standing by"), second.Process.Output);
        await HoldsAsync(() => HoldsLeaseAsync(second), "the member holds a lease from the instance that relayed it", agent, second.Process);
        Assert.True(ChangedSince(stateFile, since) is null, $"restarted when the decider was killed:{Environment.NewLine}{agent.Output}{Environment.NewLine}{second.Process.Output}");

        // A rolling restart: the killed instance comes back relaying, then the deciding one stops as planned and comes back.
        await first.StartAgainAsync(standingBy: true);
        await HoldsAsync(() => first.Process.OutputContains("relaying the agents"), "the first instance stands by and relays again", first.Process);
        await second.StopGracefullyAsync();
        await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(20));
        await HoldsAsync(() => HoldsLeaseAsync(first), "the member holds a lease from the first instance again", agent, first.Process);
        await second.StartAgainAsync(standingBy: true);
        await HoldsAsync(() => second.Process.OutputContains("relaying the agents"), "the second instance stands by and relays again", second.Process);
        await HoldsAsync(() => HoldsLeaseAsync(first), "the member still holds its lease", agent, first.Process);

        Assert.True(ChangedSince(stateFile, since) is null, $"restarted in the rolling restart:{Environment.NewLine}{agent.Output}{Environment.NewLine}{first.Process.Output}");
        Assert.DoesNotContain("lapsed", agent.Output, StringComparison.Ordinal);
        Assert.True(NetworkNamespace.Answers(null, port), "the service answers");
    }

    [Fact]
    public async Task Behind_the_shipped_nginx_one_address_serves_the_agent_and_the_api_before_and_after_the_deciding_instance_is_killed()
    {
        var (first, second) = await _shared!.StartInstancesAsync(SharedDatabaseAndRedis.CrashTolerant);
        await using var deciding = first;
        await using var relaying = second;
        await using var nginx = await NginxProxy.StartAsync(first.Url, second.Url);
        using var nodes = new NodesApi(nginx.Url);

        // One address for everything: the agent enrols and connects through nginx, and the API answers there, whichever instance nginx picked.
        var agent = first.StartAgent("e2e-behind-nginx", Path.Combine(_folder, "agent"), controlPlaneUrl: nginx.Url);
        await HoldsAsync(async () => await nodes.LivenessOfAsync("e2e-behind-nginx") == "Alive", "the node is alive, seen through nginx", agent, first.Process, second.Process);

        await first.KillAsync();
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(20));
        await HoldsAsync(
            async () => await nodes.LivenessOfAsync("e2e-behind-nginx") == "Alive" && agent.OutputContains($"Registered with the control plane at {new Uri(nginx.Url, "hubs/agent")}"),
            "the agent came back through nginx to the instance that took over, and the API there says so",
            agent,
            second.Process);
        Assert.True(second.Process.OutputContains("after standing by"), second.Process.Output);
    }

    [Fact]
    public async Task An_unreachable_redis_stops_the_start_with_a_message_naming_it()
    {
        var database = await _shared!.Postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var redis = $"127.0.0.1:{RepositoryLayout.FreePort()}";
        await using var process = ProductProcess.Start("control-plane", RepositoryLayout.ControlPlaneDll, new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{RepositoryLayout.FreePort()}",
            ["DataDirectory"] = Path.Combine(_folder, "unreachable-redis"),
            ["Database__Provider"] = "PostgreSql",
            ["Database__ConnectionString"] = _shared.Postgres.ConnectionStringFor(database),
            ["Decider__Standby"] = "true",
            ["Redis__Configuration"] = redis,
            ["Redis__ConnectTimeout"] = "00:00:01",
        });

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(
            process.OutputContains($"The control plane could not start: Could not reach Redis at {redis}") && process.OutputContains("Check Redis:Configuration"),
            process.Output);
    }

    /// <summary>
    /// An agent connected through the relay, the active member of a group of one, its test service
    /// running under its lease. Enrolment is the deciding instance's; once enrolled, the agent connects
    /// through the relay.
    /// </summary>
    private async Task<(ProductProcess Agent, int Port, string StateFile)> ActiveMemberThroughRelayAsync(RunningControlPlane first, RunningControlPlane second)
    {
        var port = RepositoryLayout.FreePort();
        var stateFile = Path.Combine(_folder, "web.state");
        var agentData = Path.Combine(_folder, "agent");
        var config = AgentConfigFile.Write(_folder, TestServiceProgram.ProcessService("web", port, stateFile));
        var enrolling = first.StartAgent("node1", agentData, configFile: config);
        var nodeId = await NodeIdAsync(first);
        await enrolling.StopGracefullyAsync(TimeSpan.FromSeconds(30));

        // The service outlives its agent's stop; its record starts again with the agent that supervises it now.
        File.Delete(stateFile);
        var agent = first.StartAgent("node1", agentData, configFile: config, controlPlaneUrl: second.Url, nextControlPlaneUrl: first.Url);
        await Eventually.HoldsAsync(
            () => agent.OutputContains($"Registered with the control plane at {new Uri(second.Url, "hubs/agent")}"), "the agent registers through the relay", TimeSpan.FromSeconds(60));
        await CreateGroupAsync(first, nodeId);
        await WaitUntilSettledAsync(first, agent, port, stateFile);
        return (agent, port, stateFile);
    }

    private static async Task WaitUntilSettledAsync(RunningControlPlane first, ProductProcess agent, int port, string stateFile)
    {
        await HoldsAsync(() => HoldsLeaseAsync(first), "the member is active and holds its lease", agent, first.Process);
        await HoldsAsync(
            () => SettledAfterActivation(agent.Output) && NetworkNamespace.Answers(null, port) && StateFileCaughtUp(stateFile, agent.Output),
            "the service runs under its first lease",
            agent,
            first.Process);
    }

    /// <summary>Waits up to 60 s for <paramref name="condition"/>; on a timeout, says what each process wrote.</summary>
    internal static Task HoldsAsync(Func<bool> condition, string what, params ProductProcess[] processes) =>
        HoldsAsync(() => Task.FromResult(condition()), what, processes);

    internal static async Task HoldsAsync(Func<Task<bool>> condition, string what, params ProductProcess[] processes)
    {
        try
        {
            await Eventually.HoldsAsync(condition, what, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException(
                string.Join(Environment.NewLine + "----" + Environment.NewLine, [exception.Message, .. processes.Select(process => process.Output)]), exception);
        }
    }
}
