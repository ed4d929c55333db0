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
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
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
        var planted = PlantDesiredConfiguration(Path.Combine(folder, "data"), RepositoryLayout.FreePort());

        await wine.CreateServiceAsync(SupervisedService, wine.TestServiceExe, "--port", $"{port}", "--name", "wine-svc");
        await wine.CreateServiceAsync(AgentService, wine.AgentExe, "--config", WineHost.WindowsPath(configFile));
        try
        {
            await wine.StartServiceAsync(AgentService);

            // The agent registers and starts the stopped service it was told to supervise.
            await Eventually.HoldsAsync(async () => await api.LivenessOfAsync(NodeName) == "Alive", "the Wine node is Alive", TimeSpan.FromSeconds(90));
            await WaitForHealthAsync(api, "Healthy", folder);

            // The data folder was open to everyone when the agent started: it is owner-only now, and
            // the desired configuration found in it, which could have been planted, was set aside unread.
            // (Wine keeps the access list beside the folder and shows Everyone's rights as the mode's "other" bits.)
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(folder, "data")) & UnixFileMode.OtherWrite);
            Assert.False(File.Exists(planted));
            Assert.Single(Directory.GetFiles(Path.Combine(folder, "data"), "desired-configuration.untrusted-*.json"));
            Assert.Null(await api.ServiceAsync(NodeName, "planted"));
            Assert.Contains("could have been planted", WineNode.AgentLog(folder), StringComparison.Ordinal);
            var node = (await api.NodeAsync(NodeName))!.Value;
            Assert.Contains("Windows", node.GetProperty("operatingSystem").GetString(), StringComparison.Ordinal);
            var service = (await api.ServiceAsync(NodeName, "testsvc"))!.Value;
            Assert.Equal("windows", service.GetProperty("kind").GetString());
            Assert.True(service.GetProperty("processId").GetInt32() > 0, service.ToString());
            Assert.Equal("Manual", service.GetProperty("startType").GetString());
            Assert.Equal("LocalSystem", service.GetProperty("account").GetString());
            Assert.Equal("RUNNING", await wine.StateOfAsync(SupervisedService));

            // The agent listed the services installed in the service control manager: the dashboard offers them.
            var installed = await api.InstalledServicesAsync(NodeName);
            Assert.True(installed.GetProperty("reported").GetBoolean(), installed.ToString());
            var names = installed.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
            Assert.Contains(SupervisedService, names);
            Assert.Contains(AgentService, names);

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

        // Automatic, as many services are installed: the SCM would start it at boot behind its group's back.
        await wine.CreateAutomaticServiceAsync(SupervisedService, wine.TestServiceExe, "--port", $"{port}", "--name", "wine-svc");
        await wine.CreateServiceAsync(AgentService, wine.AgentExe, "--config", WineHost.WindowsPath(configFile));
        try
        {
            await wine.StartServiceAsync(AgentService);
            await WaitForHealthAsync(api, "Healthy", folder);
            await Eventually.HoldsAsync(async () => await api.HealthOfAsync("linux-node", "testsvc") == "Healthy", "the Linux member runs");
            Assert.Equal(2, await wine.StartTypeOfAsync(SupervisedService));
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

            // Once a member, only the agent starts it: the SCM's start type is now Manual, and the agent said so.
            // (Wine's SCM accepts recovery actions but never reports them, so clearing them is tested with fakes.)
            await Eventually.HoldsAsync(async () => await wine.StartTypeOfAsync(SupervisedService) == 3, $"the SCM keeps start type Manual; agent log: {WineNode.Tail(WineNode.AgentLog(folder))}");
            await Eventually.HoldsAsync(async () => (await api.ServiceAsync(NodeName, "testsvc"))?.GetProperty("startType").GetString() == "Manual", "the agent reports start type Manual");
            Assert.Contains(await api.EventsAsync(NodeName), e => SupervisedNode.Is(e, "ConfigApplied", "testsvc")
                && e.GetProperty("message").GetString()!.Contains("start type Automatic changed to Manual", StringComparison.Ordinal));

            // A switchover: the Wine agent stops its Windows service through the SCM before the Linux member starts.
            using (await http.PostAsJsonAsync(new Uri($"/api/v1/groups/{group}/switchover", UriKind.Relative), new { }, TestContext.Current.CancellationToken))
            {
            }

            await Eventually.HoldsAsync(async () => await ActiveOfAsync(http, group) == "linux-node" && await api.HealthOfAsync("linux-node", "testsvc") == "Healthy", "the Linux member took over", TimeSpan.FromSeconds(60));
            Assert.Equal("STOPPED", await wine.StateOfAsync(SupervisedService));

            // The agent reports the stop with its next heartbeat, which may come after the Linux member took over; it sends
            // a changed service list at once, well before the 10 s refresh of an unchanged one.
            await Eventually.HoldsAsync(
                async () => (await api.ServiceAsync(NodeName, "testsvc"))!.Value.GetProperty("reason").GetString()!.Contains("standby in group mixed", StringComparison.Ordinal),
                "the agent reports the service held as a standby",
                TimeSpan.FromSeconds(5));
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

    /// <summary>
    /// An NSSM-wrapped service as NSSM leaves it in the registry, exported by reg.exe as an operator
    /// would, becomes a Vigil definition the node's configuration accepts.
    /// </summary>
    [Fact]
    public async Task An_NSSM_service_exported_by_reg_exe_is_imported_as_a_process_service()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var http = controlPlane.CreateHttpClient(TimeSpan.FromSeconds(10));
        const string Key = @"HKLM\SYSTEM\CurrentControlSet\Services\nssm-app";
        await wine.RegAsync("add", Key, "/v", "ObjectName", "/t", "REG_SZ", "/d", "LocalSystem", "/f");
        await wine.RegAsync("add", $@"{Key}\Parameters", "/v", "Application", "/t", "REG_EXPAND_SZ", "/d", @"C:\app\app.exe", "/f");
        await wine.RegAsync("add", $@"{Key}\Parameters", "/v", "AppParameters", "/t", "REG_SZ", "/d", "--port 8080 --name \"my app\"", "/f");
        await wine.RegAsync("add", $@"{Key}\Parameters", "/v", "AppEnvironmentExtra", "/t", "REG_MULTI_SZ", "/d", @"APP_ENV=prod\0TZ=UTC", "/f");
        await wine.RegAsync("add", $@"{Key}\Parameters", "/v", "AppStopMethodConsole", "/t", "REG_DWORD", "/d", "5000", "/f");
        await wine.RegAsync("add", $@"{Key}\Parameters", "/v", "AppPriority", "/t", "REG_DWORD", "/d", "32768", "/f");
        await wine.RegAsync("add", $@"{Key}\Parameters", "/v", "AppNoConsole", "/t", "REG_DWORD", "/d", "1", "/f");
        var exported = Path.Combine(RepositoryLayout.NewTemporaryDirectory("nssm"), "nssm-app.reg");
        await wine.RegAsync("export", Key, WineHost.WindowsPath(exported), "/y");

        using var response = await http.PostAsJsonAsync(
            new Uri("/api/v1/services/import/nssm", UriKind.Relative), new { registryExport = File.ReadAllText(exported) }, TestContext.Current.CancellationToken);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        var service = body.GetProperty("service");
        Assert.Equal(("nssm-app", @"C:\app\app.exe", "00:00:05"), (service.GetProperty("name").GetString(), service.GetProperty("executable").GetString(), service.GetProperty("stopTimeout").GetString()));
        Assert.Equal(["--port", "8080", "--name", "my app"], service.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("prod", service.GetProperty("environment").GetProperty("APP_ENV").GetString());
        Assert.Equal("UTC", service.GetProperty("environment").GetProperty("TZ").GetString());
        Assert.Equal("AboveNormal", service.GetProperty("priority").GetString());
        Assert.Equal(["AppNoConsole is not carried over: the console setting: the agent gives each process a console of its own."], body.GetProperty("notCarriedOver").EnumerateArray().Select(n => n.GetString()));
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

    /// <summary>
    /// A desired configuration another user could have written: a process service in a data folder
    /// writable by everyone, as if the agent had stored it. Gives the planted file's path.
    /// </summary>
    private static string PlantDesiredConfiguration(string dataFolder, int port)
    {
        Directory.CreateDirectory(dataFolder);
        File.SetUnixFileMode(dataFolder, (UnixFileMode)0b111_111_111);
        var path = Path.Combine(dataFolder, "desired-configuration.json");
        var planted = new
        {
            version = 99,
            services = new object[] { new { name = "planted", kind = "process", executable = @"C:\windows\system32\cmd.exe", arguments = new[] { "/c", "echo", $"{port}" } } },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(planted));
        return path;
    }

    private static async Task<int> PidOfAsync(HttpClient http, Uri testService) =>
        (await http.GetFromJsonAsync<JsonElement>(testService, TestContext.Current.CancellationToken)).GetProperty("pid").GetInt32();

    private static Task WaitForHealthAsync(NodesApi api, string health, string folder) => WineNode.WaitForHealthAsync(api, NodeName, "testsvc", health, folder);

    private static Task WaitForEventsAsync(NodesApi api, string kind, int count, string folder) => Eventually.HoldsAsync(
        async () => (await api.EventsAsync(NodeName)).Count(e => SupervisedNode.Is(e, kind, "testsvc")) >= count,
        $"{count} {kind} event(s) of testsvc are stored; agent log: {WineNode.Tail(WineNode.AgentLog(folder))}",
        TimeSpan.FromSeconds(60));
}
