using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Supervision;

/// <summary>A real agent heals a real test service: crashes, crash loops, hangs.</summary>
[Collection(TimingSensitive.Name)]
public sealed class HealingTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_crashed_service_is_restarted_after_the_initial_delay_then_after_a_doubled_one()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-crash");
        AgentConfigFile.Rewrite(node.ConfigFile, WebService(node, port, restart: new { InitialDelay = "00:00:01", FastFailWithin = "00:01:00" }));
        await node.WaitForHealthAsync("web", "Healthy");

        await CrashAsync(port, code: 3);
        await node.WaitForEventAsync("ServiceStarted", "web", count: 2);
        await node.WaitForHealthAsync("web", "Healthy");
        await CrashAsync(port, code: 3);
        await node.WaitForEventAsync("ServiceStarted", "web", count: 3);

        var events = (await node.Api.EventsAsync(node.NodeName)).Where(e => e.GetProperty("service").GetString() == "web").ToList();
        var exits = events.Where(e => SupervisedNode.Is(e, "ServiceExited")).ToList();
        Assert.All(exits, e => Assert.StartsWith("exited with code 3", e.GetProperty("message").GetString(), StringComparison.Ordinal));
        Assert.Equal(3, exits[0].GetProperty("exitCode").GetInt32());
        AssertRestartGap(events, exits[0], expected: TimeSpan.FromSeconds(1));
        AssertRestartGap(events, exits[1], expected: TimeSpan.FromSeconds(2));
        await Eventually.HoldsAsync(
            () => TestServiceProgram.ReadState(node.StateFile("web")).Where(s => s.What == "started").Select(s => s.ProcessId).Distinct().Count() == 3,
            "three distinct processes have started");
    }

    [Fact]
    public async Task A_crash_loop_spends_the_restart_budget_and_the_service_is_Failed_and_left_alone()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-loop");
        var looping = TestServiceProgram.ProcessService("loop", port, node.StateFile("loop"), "--exit-after", "0.8", "--exit-code", "2");
        looping["Restart"] = new { InitialDelay = "00:00:00.200", MaxRestarts = 3 };
        AgentConfigFile.Rewrite(node.ConfigFile, looping);

        await node.WaitForHealthAsync("loop", "Failed");

        var report = (await node.Api.ServiceAsync(node.NodeName, "loop"))!.Value;
        Assert.Contains("gave up after 3 restarts within 10 min", report.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await node.WaitForEventAsync("ServiceGaveUp", "loop");
        var events = await node.Api.EventsAsync(node.NodeName);
        Assert.Equal(4, events.Count(e => SupervisedNode.Is(e, "ServiceExited", "loop")));
        Assert.Equal(3, events.Count(e => SupervisedNode.Is(e, "ServiceRestarting", "loop")));
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal(4, TestServiceProgram.ReadState(node.StateFile("loop")).Count(s => s.What == "started"));
    }

    [Fact]
    public async Task A_hung_service_fails_its_http_probe_and_is_restarted()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-hang");
        AgentConfigFile.Rewrite(node.ConfigFile, WebService(node, port));
        await node.WaitForHealthAsync("web", "Healthy");
        var before = TestServiceProgram.ReadState(node.StateFile("web")).Single(s => s.What == "started").ProcessId;

        using (await Http.PostAsync(new Uri($"http://127.0.0.1:{port}/hang"), null, TestContext.Current.CancellationToken))
        {
        }

        await node.WaitForEventAsync("ProbeFailed", "web");
        await node.WaitForEventAsync("ServiceStarted", "web", count: 2);
        await node.WaitForHealthAsync("web", "Healthy");
        var events = await node.Api.EventsAsync(node.NodeName);
        var failed = events.First(e => SupervisedNode.Is(e, "ProbeFailed", "web")).GetProperty("message").GetString();
        Assert.Contains("no answer within", failed, StringComparison.Ordinal);
        var after = TestServiceProgram.ReadState(node.StateFile("web")).Last(s => s.What == "started").ProcessId;
        Assert.NotEqual(before, after);
    }

    internal static Dictionary<string, object?> WebService(SupervisedNode node, int port, object? restart = null, bool stopWithAgent = false, string name = "web")
    {
        var service = TestServiceProgram.ProcessService(name, port, node.StateFile(name));
        service["Probes"] = new[]
        {
            new { Kind = "http", Url = $"http://127.0.0.1:{port}/health", Interval = "00:00:00.500", Timeout = "00:00:00.400", Rise = 1, Fall = 2 },
        };
        service["StartupGrace"] = "00:00:10";
        service["StopWithAgent"] = stopWithAgent;
        if (restart is not null)
        {
            service["Restart"] = restart;
        }

        return service;
    }

    internal static async Task CrashAsync(int port, int code)
    {
        using var response = await Http.PostAsync(new Uri($"http://127.0.0.1:{port}/crash?code={code}"), null);
    }

    /// <summary>The next start after an exit came the policy's delay later (± 20 % jitter, plus a little for the launch).</summary>
    private static void AssertRestartGap(List<JsonElement> events, JsonElement exit, TimeSpan expected)
    {
        var exitedAt = exit.GetProperty("occurredAt").GetDateTimeOffset();
        var started = events.First(e => SupervisedNode.Is(e, "ServiceStarted") && e.GetProperty("sequence").GetInt64() > exit.GetProperty("sequence").GetInt64());
        var gap = started.GetProperty("occurredAt").GetDateTimeOffset() - exitedAt;
        Assert.InRange(gap, expected * 0.8, (expected * 1.2) + TimeSpan.FromSeconds(0.6));
    }
}
