using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Windows;

/// <summary>
/// The agent published for win-x64 runs as a Windows service under Wine and supervises process-kind
/// services running the win-x64 test service: they write their output to the log files, a stop asks
/// by Ctrl+C (and leaves the agent running), a stop that times out ends the whole process tree (its
/// job object), a member bound to the agent dies when the agent is killed, and a service under a run-as
/// account that cannot be used fails to start with the reason.
/// </summary>
public sealed class WindowsProcessServiceTests(WineHost wine) : IClassFixture<WineHost>
{
    private const string AgentService = "VigilProcessAgent";
    private const string BoundAgentService = "VigilBoundAgent";
    private const string NodeName = "wine-process-node";

    [Fact]
    public async Task A_process_service_stops_by_Ctrl_C_without_stopping_the_agent_and_a_stop_that_times_out_ends_its_whole_tree()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        using var http = controlPlane.CreateHttpClient(TimeSpan.FromSeconds(10));
        var folder = RepositoryLayout.NewTemporaryDirectory("wine-process");
        var (gentlePort, stubbornPort) = (RepositoryLayout.FreePort(), RepositoryLayout.FreePort());
        var gentleState = Path.Combine(folder, "gentle.state");
        var stubbornState = Path.Combine(folder, "stubborn.state");
        var config = WineNode.WriteConfig(
            folder,
            controlPlane.Url,
            NodeName,
            ProcessService("gentle", gentlePort, gentleState, TimeSpan.FromSeconds(30)) with { PreStart = Echo("pre-start"), PostStop = Echo("post-stop") },
            ProcessService("stubborn", stubbornPort, stubbornState, TimeSpan.FromSeconds(2), "--ignore-stop", "--spawn-child", "--spawn-orphan"));

        await wine.CreateServiceAsync(AgentService, wine.AgentExe, "--config", WineHost.WindowsPath(config));
        try
        {
            await wine.StartServiceAsync(AgentService);
            await Eventually.HoldsAsync(async () => await api.LivenessOfAsync(NodeName) == "Alive", "the Wine node is Alive", TimeSpan.FromSeconds(90));
            await WineNode.WaitForHealthAsync(api, NodeName, "gentle", "Healthy", folder);
            await WineNode.WaitForHealthAsync(api, NodeName, "stubborn", "Healthy", folder);
            var nodeId = (await api.NodeAsync(NodeName))!.Value.GetProperty("id").GetGuid();

            // The process writes its standard output and error to the files the agent opened for it.
            var logs = Path.Combine(folder, "data", "services", "gentle");
            await Eventually.HoldsAsync(
                () => ReadShared(Path.Combine(logs, "stdout.log")).Contains("test service gentle listening", StringComparison.Ordinal),
                "the service's start line is in its stdout.log");
            Assert.True(File.Exists(Path.Combine(logs, "stderr.log")), "stderr.log exists");

            // Its PreStart hook ran before it, through cmd.exe, with the agent's variables in its environment.
            Assert.Contains("pre-start gentle", ReadShared(Path.Combine(logs, "prestart.log")), StringComparison.Ordinal);

            // Stopped by Ctrl+C: the service runs its own shutdown, and the agent, which sent it, keeps running.
            await RunCommandAsync(http, nodeId, "gentle", "stop");
            Assert.Contains(TestServiceProgram.ReadState(gentleState), line => line.What == "stopped");
            var stoppedAt = DateTimeOffset.UtcNow;
            await Eventually.HoldsAsync(
                async () => (await api.NodeAsync(NodeName))?.GetProperty("lastSeenAt").GetDateTimeOffset() > stoppedAt + TimeSpan.FromSeconds(3),
                "the agent still heartbeats after the Ctrl+C",
                TimeSpan.FromSeconds(30));
            Assert.Equal("Alive", await api.LivenessOfAsync(NodeName));
            Assert.Equal("RUNNING", await wine.StateOfAsync(AgentService));
            await Eventually.HoldsAsync(
                () => File.Exists(Path.Combine(logs, "poststop.log")) && ReadShared(Path.Combine(logs, "poststop.log")).Contains("post-stop gentle", StringComparison.Ordinal),
                "the PostStop hook ran after the stop");

            // Deaf to Ctrl+C: after its stop timeout the agent ends its job, the service, the child it started
            // and the orphan it started through a go-between that exited (no parent links that one to the service).
            await Eventually.HoldsAsync(() => wine.ProcessesRunning("ping").Count == 2 && wine.ProcessesRunning("--orphan-starter").Count == 0, "the child and the orphan run");
            await RunCommandAsync(http, nodeId, "stubborn", "stop");
            Assert.DoesNotContain(TestServiceProgram.ReadState(stubbornState), line => line.What == "stopped");
            await Eventually.HoldsAsync(() => wine.ProcessesRunning("ping").Count == 0, "the stubborn service's child and orphan are gone");
            Assert.Empty(wine.ProcessesRunning("--name stubborn"));
            await Eventually.HoldsAsync(async () => !await AnswersAsync(stubbornPort), "the stubborn service no longer answers");

            var log = WineNode.AgentLog(folder);
            Assert.Contains("did not stop within", log, StringComparison.Ordinal);
            Assert.DoesNotContain("outside a job object", log, StringComparison.Ordinal);
            Assert.DoesNotContain("[ERR]", log, StringComparison.Ordinal);
        }
        finally
        {
            await wine.StopServiceAsync(AgentService);
            await wine.DeleteServiceAsync(AgentService);
        }
    }

    /// <summary>
    /// Wine cannot run a process under another account: its LogonUser hands out a token that
    /// CreateProcessAsUser refuses ("Invalid handle"); a Windows that refuses the logon itself is reported
    /// the same way, naming the account and the key.
    /// </summary>
    [Fact]
    public async Task A_run_as_account_that_cannot_be_used_fails_the_start_with_the_reason_and_the_agent_runs_on()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        var folder = RepositoryLayout.NewTemporaryDirectory("wine-runas");
        var (ordersPort, plainPort) = (RepositoryLayout.FreePort(), RepositoryLayout.FreePort());
        var config = WineNode.WriteConfig(
            folder,
            controlPlane.Url,
            NodeName,
            ProcessService("orders", ordersPort, Path.Combine(folder, "orders.state"), TimeSpan.FromSeconds(10)) with
            {
                RunAs = new RunAs(@"CONTOSO\gmsa-orders$"),
                Restart = new { MaxRestarts = 1, InitialDelay = "00:00:00.200" },
            },
            ProcessService("plain", plainPort, Path.Combine(folder, "plain.state"), TimeSpan.FromSeconds(10)));

        await wine.CreateServiceAsync(AgentService, wine.AgentExe, "--config", WineHost.WindowsPath(config));
        try
        {
            await wine.StartServiceAsync(AgentService);
            await WineNode.WaitForHealthAsync(api, NodeName, "plain", "Healthy", folder);
            await WineNode.WaitForHealthAsync(api, NodeName, "orders", "Failed", folder);

            var reason = (await api.ServiceAsync(NodeName, "orders"))!.Value.GetProperty("reason").GetString() ?? "";
            Assert.True(
                reason.Contains(@"under the run-as account 'CONTOSO\gmsa-orders$'", StringComparison.Ordinal) || reason.Contains(@"log on the run-as account 'CONTOSO\gmsa-orders$'", StringComparison.Ordinal),
                reason);
            Assert.True(reason.Contains("(Agent:Services:0:RunAs:User)", StringComparison.Ordinal), reason);
            Assert.Empty(wine.ProcessesRunning("--name orders"));
            Assert.Equal("RUNNING", await wine.StateOfAsync(AgentService));
            Assert.Equal("Alive", await api.LivenessOfAsync(NodeName));
            Assert.Equal("Healthy", await api.HealthOfAsync(NodeName, "plain"));
        }
        finally
        {
            await wine.StopServiceAsync(AgentService);
            await wine.DeleteServiceAsync(AgentService);
            StrayProcesses.KillMentioning(folder);
        }
    }

    [Fact]
    public async Task Killing_the_agent_hard_ends_the_process_of_its_member_with_isolation_Stop()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        using var http = controlPlane.CreateHttpClient(TimeSpan.FromSeconds(10));
        var folder = RepositoryLayout.NewTemporaryDirectory("wine-process-group");
        var port = RepositoryLayout.FreePort();
        var state = Path.Combine(folder, "testsvc.state");
        var config = WineNode.WriteConfig(folder, controlPlane.Url, NodeName, ProcessService("testsvc", port, state, TimeSpan.FromSeconds(10)));
        var linuxFolder = Directory.CreateDirectory(Path.Combine(folder, "linux")).FullName;
        var linuxPort = RepositoryLayout.FreePort();
        var linuxConfig = AgentConfigFile.Write(linuxFolder, TestServiceProgram.ProcessService("testsvc", linuxPort, Path.Combine(linuxFolder, "testsvc.state")));
        var linux = controlPlane.StartAgent("linux-process-node", Path.Combine(linuxFolder, "agent"), configFile: linuxConfig);

        await wine.CreateServiceAsync(BoundAgentService, wine.AgentExe, "--config", WineHost.WindowsPath(config));
        try
        {
            await wine.StartServiceAsync(BoundAgentService);
            await WineNode.WaitForHealthAsync(api, NodeName, "testsvc", "Healthy", folder);
            await Eventually.HoldsAsync(async () => await api.HealthOfAsync("linux-process-node", "testsvc") == "Healthy", "the Linux member runs", TimeSpan.FromSeconds(60));
            var wineId = (await api.NodeAsync(NodeName))!.Value.GetProperty("id").GetGuid();
            var linuxId = (await api.NodeAsync("linux-process-node"))!.Value.GetProperty("id").GetGuid();
            var startedBeforeGroup = await PidOfAsync(port);

            // The Wine member is preferred and active, with isolation Stop (the default).
            Guid group;
            using (var created = await http.PostAsJsonAsync(
                new Uri("/api/v1/groups", UriKind.Relative),
                new { name = "wine-bound", members = new[] { new { nodeId = wineId, service = "testsvc", priority = 1 }, new { nodeId = linuxId, service = "testsvc", priority = 2 } } },
                TestContext.Current.CancellationToken))
            {
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                group = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
            }

            // Whether a process is bound to the agent is settled when it starts. The agent may keep the process that
            // ran before the group existed, or stop it until its first lease and start it again: if it keeps it, the
            // process crashes, and the agent starts it again as the active member, bound.
            (int? Pid, bool Active, string? Standby) seen = default;
            try
            {
                await Eventually.HoldsAsync(
                    async () =>
                    {
                        seen = (await PidOfAsync(port), await ActiveOfAsync(http, group) == NodeName, await api.HealthOfAsync("linux-process-node", "testsvc"));
                        if (seen.Active && seen.Pid == startedBeforeGroup)
                        {
                            await CrashAsync(port);
                        }

                        return seen is { Active: true, Pid: { } pid, Standby: "Stopped" } && pid != startedBeforeGroup;
                    },
                    "the Wine member is active and runs a process started since, the Linux member stands by",
                    TimeSpan.FromSeconds(90));
            }
            catch (TimeoutException timeout)
            {
                throw new TimeoutException($"{timeout.Message} Last seen: {seen} (pid before the group {startedBeforeGroup}); agent log: {WineNode.Tail(WineNode.AgentLog(folder))}", timeout);
            }

            var gracefulStops = TestServiceProgram.ReadState(state).Count(line => line.What == "stopped");
            Assert.Equal(1, wine.KillHard("Vigil.Agent.exe"));
            await Eventually.HoldsAsync(async () => !await AnswersAsync(port), "the member's process died with the agent", TimeSpan.FromSeconds(20));
            Assert.Empty(wine.ProcessesRunning("--name testsvc"));
            Assert.Equal(gracefulStops, TestServiceProgram.ReadState(state).Count(line => line.What == "stopped"));
            Assert.DoesNotContain("outside a job object", WineNode.AgentLog(folder), StringComparison.Ordinal);
        }
        finally
        {
            await linux.DisposeAsync();

            // Killed, the agent's service is not seen as stopped by Wine's service control manager, so it is killed again if it came back.
            wine.KillHard("Vigil.Agent.exe");
            await wine.DeleteServiceAsync(BoundAgentService);
            StrayProcesses.KillMentioning(folder);
        }
    }

    /// <summary>A hook that says <paramref name="what"/> and the service's name, through the shell every Windows has.</summary>
    private static Hook Echo(string what) => new(@"C:\windows\system32\cmd.exe", ["/c", $"echo {what} %VIGIL_SERVICE%"]);

    private ProcessDefinition ProcessService(string name, int port, string stateFile, TimeSpan stopTimeout, params string[] extraArguments) => new()
    {
        Name = name,
        Executable = WineHost.WindowsPath(wine.TestServiceExe),
        Arguments = (string[])["--port", port.ToString(CultureInfo.InvariantCulture), "--name", name, "--state-file", WineHost.WindowsPath(stateFile), .. extraArguments],
        StopTimeout = stopTimeout.ToString("c", CultureInfo.InvariantCulture),
        Restart = new { InitialDelay = "00:00:00.500" },
        // Health only: a slow start under Wine on a busy machine must not look like a failure to restart for.
        Probes = new object[] { new { Kind = "http", Url = $"http://127.0.0.1:{port}/health", Interval = "00:00:01", Timeout = "00:00:00.800", Rise = 1, RestartOnFailure = false } },
    };

    private sealed record Hook(string Executable, string[] Arguments);

    private sealed record RunAs(string User);

    /// <summary>A process service as the agent's configuration file has it (null fields are left out).</summary>
    private sealed record ProcessDefinition
    {
        public required string Name { get; init; }

        public string Kind { get; init; } = "process";

        public required string Executable { get; init; }

        public required string[] Arguments { get; init; }

        public required string StopTimeout { get; init; }

        public required object Restart { get; init; }

        public required object[] Probes { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public Hook? PreStart { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public Hook? PostStop { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public RunAs? RunAs { get; init; }
    }

    /// <summary>Sends an operator command to the node and waits until it succeeded.</summary>
    private static async Task RunCommandAsync(HttpClient http, Guid nodeId, string service, string kind)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/v1/commands", UriKind.Relative), new { nodeId, service, kind }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
        var command = default(JsonElement);
        await Eventually.HoldsAsync(
            async () => (command = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/commands/{id}", UriKind.Relative))).GetProperty("state").GetString() is "Succeeded" or "Failed",
            $"the {kind} of {service} finished",
            TimeSpan.FromSeconds(60));
        Assert.Equal("Succeeded", command.GetProperty("state").GetString());
    }

    private static async Task<string?> ActiveOfAsync(HttpClient http, Guid group)
    {
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/groups/{group}", UriKind.Relative));
        return view.GetProperty("transition").ValueKind == JsonValueKind.Null ? view.GetProperty("activeNodeName").GetString() : null;
    }

    private static async Task CrashAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using (await http.PostAsync(new Uri($"http://127.0.0.1:{port}/crash"), null))
            {
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            // Stopping or gone already.
        }
    }

    private static async Task<int?> PidOfAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return (await http.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{port}/"))).GetProperty("pid").GetInt32();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
