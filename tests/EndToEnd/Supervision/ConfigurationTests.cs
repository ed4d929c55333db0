using System.Net.Http.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Supervision;

/// <summary>Where managed services come from: the agent's file (live) and the control plane.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task Bad_service_entries_are_rejected_by_service_and_key_and_the_valid_ones_run()
    {
        await using var node = await SupervisedNode.StartAsync("e2e-badconfig");
        var port = RepositoryLayout.FreePort();
        var missing = new Dictionary<string, object?>
        {
            ["Name"] = "missing",
            ["Kind"] = "process",
            ["Executable"] = "/nonexistent/app",
            ["Restart"] = new { MaxRestarts = 1, InitialDelay = "00:00:00.200" },
        };
        AgentConfigFile.Rewrite(
            node.ConfigFile,
            HealingTests.WebService(node, port, name: "good"),
            new { Name = "mystery", Kind = "teleport" },
            new { Name = "negative", Kind = "process", Executable = "/bin/true", Probes = new[] { new { Kind = "tcp", Host = "127.0.0.1", Port = 1, Interval = "-00:00:01" } } },
            missing,
            new { Name = "good", Kind = "process", Executable = "/bin/true" });

        await node.WaitForHealthAsync("good", "Healthy");
        await node.WaitForHealthAsync("missing", "Failed");
        await node.WaitForEventAsync("ConfigRejected", count: 3);

        var rejections = (await node.Api.EventsAsync(node.NodeName)).Where(e => SupervisedNode.Is(e, "ConfigRejected")).Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.Contains(rejections, r => r.Contains("service 'mystery'", StringComparison.Ordinal) && r.Contains("Agent:Services:1:Kind must be 'process' or 'windows'", StringComparison.Ordinal));
        Assert.Contains(rejections, r => r.Contains("service 'negative'", StringComparison.Ordinal) && r.Contains("Agent:Services:2:Probes:0:Interval", StringComparison.Ordinal));
        Assert.Contains(rejections, r => r.Contains("Agent:Services:4:Name 'good' is already used by service 0", StringComparison.Ordinal));
        var missingReport = (await node.Api.ServiceAsync(node.NodeName, "missing"))!.Value;
        Assert.Contains("'/nonexistent/app' does not exist", missingReport.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("Agent:Services:3:Executable", missingReport.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(node.Agent!.HasExited);
    }

    [Fact]
    public async Task An_edit_of_the_agent_file_is_applied_without_a_restart()
    {
        var first = RepositoryLayout.FreePort();
        var second = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-reload");
        AgentConfigFile.Rewrite(node.ConfigFile, HealingTests.WebService(node, first, name: "one"));
        await node.WaitForHealthAsync("one", "Healthy");
        var agentPid = node.Agent!.Id;

        AgentConfigFile.Rewrite(node.ConfigFile, HealingTests.WebService(node, second, name: "two"));

        await node.WaitForHealthAsync("two", "Healthy");
        await Eventually.HoldsAsync(async () => await node.Api.ServiceAsync(node.NodeName, "one") is null, "the removed service is no longer reported");
        await Eventually.HoldsAsync(() => TestServiceProgram.ReadState(node.StateFile("one")).Any(s => s.What == "stopped"), "the removed process service was stopped");
        Assert.Equal(agentPid, node.Agent.Id);
        Assert.False(node.Agent.HasExited);
        var applied = (await node.Api.EventsAsync(node.NodeName)).Where(e => SupervisedNode.Is(e, "ConfigApplied")).Select(e => e.GetProperty("message").GetString()).ToList();
        Assert.Contains(applied, m => m!.Contains("added two", StringComparison.Ordinal) && m.Contains("removed one", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_desired_configuration_put_through_the_api_is_applied_and_kept_across_an_agent_restart()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-desired", new SupervisedNode.AgentSetup(new { AllowedExecutables = new[] { TestServiceProgram.DotnetPath } }));
        await Eventually.HoldsAsync(async () => await node.Api.NodeAsync(node.NodeName) is not null, "the node registered");
        var nodeId = (await node.Api.NodeAsync(node.NodeName))!.Value.GetProperty("id").GetString();
        using var http = node.ControlPlane.CreateHttpClient();
        var remote = HealingTests.WebService(node, port, name: "remote");
        remote["Executable"] = TestServiceProgram.DotnetPath;

        using (var response = await http.PutAsJsonAsync(new Uri($"/api/v1/nodes/{nodeId}/configuration", UriKind.Relative), new { services = new[] { remote } }, TestContext.Current.CancellationToken))
        {
            Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}{Environment.NewLine}{node.ControlPlane.Process.Output}");
        }

        await node.WaitForHealthAsync("remote", "Healthy");
        await node.Agent!.KillAloneAsync();
        await node.ControlPlane.KillAsync();
        node.StartAgent();
        await Eventually.HoldsAsync(() => File.ReadAllText(Path.Combine(node.AgentData, "logs", $"agent-{DateTime.UtcNow:yyyyMMdd}.log")).Contains("remote", StringComparison.Ordinal), "the restarted agent knows the desired service");
        await node.ControlPlane.StartAgainAsync();
        await node.WaitForHealthAsync("remote", "Healthy");
        var applied = (await node.Api.EventsAsync(node.NodeName)).Where(e => SupervisedNode.Is(e, "ConfigApplied")).Select(e => e.GetProperty("message").GetString()).ToList();
        Assert.Contains(applied, m => m!.Contains("desired configuration v1", StringComparison.Ordinal));
        Assert.Single(TestServiceProgram.ReadState(node.StateFile("remote")), s => s.What == "started");
    }

    [Fact]
    public async Task A_desired_configuration_planted_in_the_data_folder_runs_no_program_the_agent_does_not_allow()
    {
        string marker = "";
        void Plant(SupervisedNode node)
        {
            marker = Path.Combine(node.Folder, "planted-ran");
            var planted = new { version = 5, services = new[] { new { name = "planted", kind = "process", executable = "/bin/sh", arguments = new[] { "-c", $"touch '{marker}'; sleep 60" } } } };
            Directory.CreateDirectory(node.AgentData);
            File.WriteAllText(Path.Combine(node.AgentData, "desired-configuration.json"), System.Text.Json.JsonSerializer.Serialize(planted));
        }

        await using var node = await SupervisedNode.StartAsync("e2e-planted", new SupervisedNode.AgentSetup(BeforeStart: Plant));
        await Eventually.HoldsAsync(async () => await node.Api.NodeAsync(node.NodeName) is not null, $"the node registered (agent output: {node.Agent!.Output})");

        await node.WaitForEventAsync("ConfigRejected", "planted");
        var rejection = (await node.Api.EventsAsync(node.NodeName)).Single(e => SupervisedNode.Is(e, "ConfigRejected", "planted")).GetProperty("message").GetString();
        Assert.True(rejection!.Contains("desired configuration v5:Services:0:Executable '/bin/sh' is not allowed: this agent runs no program defined by the control plane", StringComparison.Ordinal), rejection);
        Assert.False(File.Exists(marker), "the planted program ran");
        var nodeShown = (await node.Api.NodeAsync(node.NodeName))!.Value;
        Assert.Equal(0, nodeShown.GetProperty("remoteExecution").GetProperty("allowedExecutables").GetArrayLength());
    }

    [Fact]
    public async Task A_graceful_stop_leaves_services_running_unless_told_otherwise_and_the_node_Stopped()
    {
        var keep = RepositoryLayout.FreePort();
        var stop = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-graceful");
        AgentConfigFile.Rewrite(node.ConfigFile, HealingTests.WebService(node, keep, name: "keep"), HealingTests.WebService(node, stop, name: "stop", stopWithAgent: true));
        await node.WaitForHealthAsync("keep", "Healthy");
        await node.WaitForHealthAsync("stop", "Healthy");

        Assert.Equal(0, await node.Agent!.StopGracefullyAsync(TimeSpan.FromSeconds(30)));

        await Eventually.HoldsAsync(async () => (await node.Api.NodeAsync(node.NodeName))?.GetProperty("liveness").GetString() == "Stopped", "the node is Stopped");
        Assert.Contains(TestServiceProgram.ReadState(node.StateFile("stop")), s => s.What == "stopped");
        Assert.DoesNotContain(TestServiceProgram.ReadState(node.StateFile("keep")), s => s.What == "stopped");
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri($"http://127.0.0.1:{keep}/health"), TestContext.Current.CancellationToken)).IsSuccessStatusCode);

        node.StartAgent();
        await node.WaitForHealthAsync("keep", "Healthy");
        Assert.Single(TestServiceProgram.ReadState(node.StateFile("keep")), s => s.What == "started");
        await node.WaitForEventAsync("AgentStopping");
    }
}
