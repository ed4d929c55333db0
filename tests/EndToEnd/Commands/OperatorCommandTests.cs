using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Commands;

/// <summary>Operator commands through the REST API, carried out by a real agent on a real service.</summary>
public sealed class OperatorCommandTests
{
    [Fact]
    public async Task Stop_holds_the_service_stopped_pause_and_continue_suspend_it_and_start_brings_back_a_service_that_gave_up()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-commands");
        var web = TestServiceProgram.ProcessService("web", port, node.StateFile("web"));
        web["Restart"] = new { InitialDelay = "00:00:00.200", MaxRestarts = 0 };
        AgentConfigFile.Rewrite(node.ConfigFile, web);
        await node.WaitForHealthAsync("web", "Healthy");
        using var http = node.ControlPlane.CreateHttpClient();
        var nodeId = (await node.Api.NodeAsync(node.NodeName))!.Value.GetProperty("id").GetGuid();

        await RunAsync(http, nodeId, "stop", "stopped; held stopped");
        await node.WaitForHealthAsync("web", "Stopped");
        Assert.Contains("stopped by an operator", (await node.Api.ServiceAsync(node.NodeName, "web"))!.Value.GetProperty("reason").GetString(), StringComparison.Ordinal);

        await RunAsync(http, nodeId, "start", "started");
        await node.WaitForHealthAsync("web", "Healthy");

        await RunAsync(http, nodeId, "pause", "paused");
        await Eventually.HoldsAsync(async () => (await node.Api.ServiceAsync(node.NodeName, "web"))!.Value.GetProperty("state").GetString() == "Paused", "the service is Paused");
        await RunAsync(http, nodeId, "continue", "continued");
        await node.WaitForHealthAsync("web", "Healthy");

        // No restarts allowed: a crash leaves it Failed, and only an operator's start brings it back.
        // Without a probe, Healthy means the process runs, not that it listens yet.
        using (var crash = new HttpClient())
        {
            await TestServiceProgram.WaitUntilAnswersAsync(port);
            await crash.PostAsync(new Uri($"http://127.0.0.1:{port}/crash?code=4"), null, TestContext.Current.CancellationToken);
        }

        await node.WaitForHealthAsync("web", "Failed");
        await RunAsync(http, nodeId, "restart", "started");
        await node.WaitForHealthAsync("web", "Healthy");
    }

    [Fact]
    public async Task A_command_for_an_agent_that_is_away_waits_and_runs_once_when_it_is_back()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-away", TestServiceProgram.ProcessService("web", port, Path.Combine(Path.GetTempPath(), $"away-{port}.state")));
        await node.WaitForHealthAsync("web", "Healthy");
        using var http = node.ControlPlane.CreateHttpClient();
        var nodeId = (await node.Api.NodeAsync(node.NodeName))!.Value.GetProperty("id").GetGuid();
        var pid = (await node.Api.ServiceAsync(node.NodeName, "web"))!.Value.GetProperty("processId").GetInt32();

        await node.Agent!.KillAloneAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/commands", UriKind.Relative))
        {
            Content = JsonContent.Create(new { nodeId, service = "web", kind = "restart" }),
        };
        request.Headers.Add("Idempotency-Key", "restart-web-once");
        using var created = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
        Assert.Equal("Pending", (await CommandAsync(http, id)).GetProperty("state").GetString());

        node.StartAgent();
        await Eventually.HoldsAsync(async () => (await CommandAsync(http, id)).GetProperty("state").GetString() == "Succeeded", "the command ran after the agent came back", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () => (await node.Api.ServiceAsync(node.NodeName, "web"))?.GetProperty("processId") is { ValueKind: JsonValueKind.Number } now && now.GetInt32() != pid, "the service was restarted");
        var executed = (await node.Api.EventsAsync(node.NodeName)).Count(e => SupervisedNode.Is(e, "CommandExecuted", "web"));
        Assert.Equal(1, executed);
    }

    private static async Task RunAsync(HttpClient http, Guid nodeId, string kind, string expected)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/v1/commands", UriKind.Relative), new { nodeId, service = "web", kind });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        JsonElement command = default;
        await Eventually.HoldsAsync(async () => (command = await CommandAsync(http, id)).GetProperty("state").GetString() is "Succeeded" or "Failed", $"{kind} finished", TimeSpan.FromSeconds(30));
        Assert.Equal("Succeeded", command.GetProperty("state").GetString());
        Assert.Contains(expected, command.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> CommandAsync(HttpClient http, Guid id) =>
        await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/commands/{id}", UriKind.Relative));
}
