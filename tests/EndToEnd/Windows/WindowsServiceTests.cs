using System.Net.Http.Json;
using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Windows;

/// <summary>
/// The agent published for win-x64 runs as a Windows service in Wine's service control manager,
/// reports to a control plane running on Linux, and supervises a windows-kind service created with
/// sc.exe: starts it, restarts it after a crash, and stops it with itself.
/// </summary>
public sealed class WindowsServiceTests(WineHost wine) : IClassFixture<WineHost>
{
    private const string AgentService = "VigilAgent";
    private const string SupervisedService = "VigilWineTestService";
    private const string NodeName = "wine-node";

    [Fact]
    public async Task The_agent_as_a_Windows_service_starts_heals_and_stops_a_windows_kind_service()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var folder = RepositoryLayout.NewTemporaryDirectory("wine-node");
        var port = RepositoryLayout.FreePort();
        var testService = new Uri($"http://127.0.0.1:{port}/");
        var configFile = WriteAgentConfig(folder, controlPlane.Url, port);

        await wine.CreateServiceAsync(SupervisedService, wine.TestServiceExe, "--port", $"{port}", "--name", "wine-svc");
        await wine.CreateServiceAsync(AgentService, wine.AgentExe, "--config", WineHost.WindowsPath(configFile));
        try
        {
            await wine.StartServiceAsync(AgentService);

            // The agent registers and starts the stopped service it was told to supervise.
            await Eventually.HoldsAsync(async () => await api.LivenessOfAsync(NodeName) == "Alive", "the Wine node is Alive", TimeSpan.FromSeconds(90));
            await WaitForHealthAsync(api, "Healthy", folder);
            var node = (await api.NodeAsync(NodeName))!.Value;
            Assert.Contains("Windows", node.GetProperty("operatingSystem").GetString(), StringComparison.Ordinal);
            var service = (await api.ServiceAsync(NodeName, "testsvc"))!.Value;
            Assert.Equal("windows", service.GetProperty("kind").GetString());
            Assert.True(service.GetProperty("processId").GetInt32() > 0, service.ToString());
            Assert.Equal("Manual", service.GetProperty("startType").GetString());
            Assert.Equal("LocalSystem", service.GetProperty("account").GetString());
            Assert.Equal("RUNNING", await wine.StateOfAsync(SupervisedService));

            // A crash: the agent notices and starts it again.
            var firstPid = await PidOfAsync(http, testService);
            await Eventually.HoldsAsync(async () => (await api.ServiceAsync(NodeName, "testsvc"))?.GetProperty("workingSetBytes").ValueKind == JsonValueKind.Number, "service metrics are reported");
            using (await http.PostAsync(new Uri(testService, "crash"), null, TestContext.Current.CancellationToken))
            {
            }

            await WaitForEventsAsync(api, "ServiceExited", 1, folder);
            await WaitForEventsAsync(api, "ServiceStarted", 2, folder);
            await WaitForHealthAsync(api, "Healthy", folder);
            Assert.NotEqual(firstPid, await PidOfAsync(http, testService));

            // Stopping the agent's service stops the supervised one with it and the node says Stopped, not Lost.
            await wine.StopServiceAsync(AgentService);
            Assert.Equal("STOPPED", await wine.StateOfAsync(SupervisedService));
            await Eventually.HoldsAsync(async () => await api.LivenessOfAsync(NodeName) == "Stopped", "the node is Stopped");

            // Back again: what happened during the stop reaches the control plane, and the service runs again.
            await wine.StartServiceAsync(AgentService);
            await WaitForEventsAsync(api, "ServiceStopped", 1, folder);
            await WaitForEventsAsync(api, "ServiceStarted", 3, folder);
            await WaitForHealthAsync(api, "Healthy", folder);

            var log = WineNode.AgentLog(folder);
            Assert.Contains($"Recovery actions of the Windows service {AgentService} set", log, StringComparison.Ordinal);
            Assert.DoesNotContain("[ERR]", log, StringComparison.Ordinal);
            Assert.DoesNotContain("[FTL]", log, StringComparison.Ordinal);

            // The Event Log provider registers its source on its first write, and that write did not fail the agent.
            Assert.True(
                await wine.RegistryKeyExistsAsync(@"HKLM\System\CurrentControlSet\Services\EventLog\Application\Vigil Agent"),
                "the agent's Event Log source exists");
        }
        finally
        {
            await wine.StopServiceAsync(AgentService);
            await wine.DeleteServiceAsync(AgentService);
            await wine.DeleteServiceAsync(SupervisedService);
        }
    }

    [Fact]
    public async Task A_windows_kind_member_of_a_failover_group_is_stopped_by_its_agent_when_the_role_moves_to_a_Linux_member()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        using var http = controlPlane.CreateHttpClient(TimeSpan.FromSeconds(10));
        var folder = RepositoryLayout.NewTemporaryDirectory("wine-group");
        var port = RepositoryLayout.FreePort();
        var configFile = WriteAgentConfig(folder, controlPlane.Url, port);
        var linuxPort = RepositoryLayout.FreePort();
        var linuxFolder = Directory.CreateDirectory(Path.Combine(folder, "linux")).FullName;
        var linuxConfig = AgentConfigFile.Write(linuxFolder, TestServiceProgram.ProcessService("testsvc", linuxPort, Path.Combine(linuxFolder, "testsvc.state")));
        var linux = controlPlane.StartAgent("linux-node", Path.Combine(linuxFolder, "agent"), configFile: linuxConfig);

        await wine.CreateServiceAsync(SupervisedService, wine.TestServiceExe, "--port", $"{port}", "--name", "wine-svc");
        await wine.CreateServiceAsync(AgentService, wine.AgentExe, "--config", WineHost.WindowsPath(configFile));
        try
        {
            await wine.StartServiceAsync(AgentService);
            await WaitForHealthAsync(api, "Healthy", folder);
            await Eventually.HoldsAsync(async () => await api.HealthOfAsync("linux-node", "testsvc") == "Healthy", "the Linux member runs");
            var wineId = (await api.NodeAsync(NodeName))!.Value.GetProperty("id").GetGuid();
            var linuxId = (await api.NodeAsync("linux-node"))!.Value.GetProperty("id").GetGuid();

            // The Wine member is preferred: it keeps the service, the Linux member stands by.
            using var created = await http.PostAsJsonAsync(
                new Uri("/api/v1/groups", UriKind.Relative),
                new { name = "mixed", members = new[] { new { nodeId = wineId, service = "testsvc", priority = 1 }, new { nodeId = linuxId, service = "testsvc", priority = 2 } } },
                TestContext.Current.CancellationToken);
            var group = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
            await Eventually.HoldsAsync(async () => await ActiveOfAsync(http, group) == NodeName && await wine.StateOfAsync(SupervisedService) == "RUNNING", "the Wine member is active", TimeSpan.FromSeconds(60));
            await Eventually.HoldsAsync(async () => await api.HealthOfAsync("linux-node", "testsvc") == "Stopped", "the Linux member stands by");

            // A switchover: the Wine agent stops its Windows service through the SCM before the Linux member starts.
            using (await http.PostAsJsonAsync(new Uri($"/api/v1/groups/{group}/switchover", UriKind.Relative), new { }, TestContext.Current.CancellationToken))
            {
            }

            await Eventually.HoldsAsync(async () => await ActiveOfAsync(http, group) == "linux-node" && await api.HealthOfAsync("linux-node", "testsvc") == "Healthy", "the Linux member took over", TimeSpan.FromSeconds(60));
            Assert.Equal("STOPPED", await wine.StateOfAsync(SupervisedService));
            var stopped = (await api.ServiceAsync(NodeName, "testsvc"))!.Value.GetProperty("reason").GetString();
            Assert.Contains("standby in group mixed", stopped, StringComparison.Ordinal);
        }
        finally
        {
            await linux.DisposeAsync();
            await wine.StopServiceAsync(AgentService);
            await wine.DeleteServiceAsync(AgentService);
            await wine.DeleteServiceAsync(SupervisedService);
            StrayProcesses.KillMentioning(folder);
        }
    }

    private static async Task<string?> ActiveOfAsync(HttpClient http, Guid group)
    {
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/groups/{group}", UriKind.Relative));
        return view.GetProperty("transition").ValueKind == JsonValueKind.Null ? view.GetProperty("activeNodeName").GetString() : null;
    }

    private static string WriteAgentConfig(string folder, Uri controlPlane, int port) => WineNode.WriteConfig(folder, controlPlane, NodeName, new
    {
        Name = "testsvc",
        Kind = "windows",
        ServiceName = SupervisedService,
        StopWithAgent = true,
        Restart = new { InitialDelay = "00:00:00.500" },
        Probes = new object[] { new { Kind = "http", Url = $"http://127.0.0.1:{port}/health", Interval = "00:00:01", Timeout = "00:00:00.800", Rise = 1 } },
    });

    private static async Task<int> PidOfAsync(HttpClient http, Uri testService) =>
        (await http.GetFromJsonAsync<JsonElement>(testService, TestContext.Current.CancellationToken)).GetProperty("pid").GetInt32();

    private static Task WaitForHealthAsync(NodesApi api, string health, string folder) => WineNode.WaitForHealthAsync(api, NodeName, "testsvc", health, folder);

    private static Task WaitForEventsAsync(NodesApi api, string kind, int count, string folder) => Eventually.HoldsAsync(
        async () => (await api.EventsAsync(NodeName)).Count(e => SupervisedNode.Is(e, kind, "testsvc")) >= count,
        $"{count} {kind} event(s) of testsvc are stored; agent log: {WineNode.Tail(WineNode.AgentLog(folder))}",
        TimeSpan.FromSeconds(60));
}
