using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Agents;

/// <summary>Real agent processes enrol with a real control plane process, wait for approval, and are revoked.</summary>
public sealed class EnrollmentTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_enrolled_agent_comes_back_after_a_restart_without_the_token_and_no_secret_is_logged()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        var data = RepositoryLayout.NewTemporaryDirectory("e2e-agent");
        var first = controlPlane.StartAgent("e2e-enrolled", data);
        await Eventually.HoldsAsync(async () => await api.LivenessOfAsync("e2e-enrolled") == "Alive", "the agent enrols and its node is Alive", TimeSpan.FromSeconds(30));
        var credentialFile = Path.Combine(data, "credential");
        var credential = (await File.ReadAllTextAsync(credentialFile, TestContext.Current.CancellationToken)).Trim();
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialFile));
        }

        Assert.Equal(0, await first.StopGracefullyAsync(TimeSpan.FromSeconds(30)));
        var second = controlPlane.StartAgent("e2e-enrolled", data, token: "");

        await Eventually.HoldsAsync(() => second.OutputContains("Registered with the control plane"), "the agent registers again with its stored credential", TimeSpan.FromSeconds(30));
        Assert.False(second.OutputContains("enrolled as agent"), second.Output);
        Assert.True(controlPlane.Process.OutputContains("standing enrollment token"), controlPlane.Process.Output);
        foreach (var secret in new[] { RunningControlPlane.EnrollmentToken, credential })
        {
            Assert.False(controlPlane.Process.OutputContains(secret));
            Assert.False(first.OutputContains(secret));
            Assert.False(second.OutputContains(secret));
            Assert.DoesNotContain(secret, LogFiles.ReadAll(data), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_pending_agent_waits_for_approval_then_connects()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var admin = controlPlane.CreateHttpClient();
        using var api = new NodesApi(controlPlane.Url);
        var token = await CreateTokenAsync(admin, requiresApproval: true);
        var data = RepositoryLayout.NewTemporaryDirectory("e2e-agent");
        var agent = controlPlane.StartAgent("e2e-pending", data, token);

        await Eventually.HoldsAsync(() => agent.OutputContains("waiting for approval"), "the agent says it waits for approval", Patience);
        Assert.Null(await api.LivenessOfAsync("e2e-pending"));
        var agentId = await AgentIdAsync(admin, data);
        using (var approve = await admin.PostAsync(new Uri($"/api/v1/agents/{agentId}/approve", UriKind.Relative), null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        }

        await Eventually.HoldsAsync(async () => await api.LivenessOfAsync("e2e-pending") == "Alive", "the approved agent's node is Alive", Patience);
        Assert.False(agent.OutputContains(token));
        Assert.False(controlPlane.Process.OutputContains(token));
    }

    [Fact]
    public async Task A_revoked_agent_is_disconnected_at_once_and_stays_out()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var admin = controlPlane.CreateHttpClient();
        using var api = new NodesApi(controlPlane.Url);
        var data = RepositoryLayout.NewTemporaryDirectory("e2e-agent");
        var agent = controlPlane.StartAgent("e2e-revoked", data);
        await Eventually.HoldsAsync(async () => await api.LivenessOfAsync("e2e-revoked") == "Alive", "the node is Alive", Patience);
        var agentId = await AgentIdAsync(admin, data);

        using (var revoke = await admin.PostAsync(new Uri($"/api/v1/agents/{agentId}/revoke", UriKind.Relative), null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await Eventually.HoldsAsync(async () => await api.NodeAsync("e2e-revoked") is { } node && !node.GetProperty("connected").GetBoolean(), "the node is disconnected", Patience);
        await Eventually.HoldsAsync(() => agent.OutputContains("has revoked this agent"), "the agent reports that it is revoked", Patience);
        Assert.False(agent.HasExited);
        Assert.False((await api.NodeAsync("e2e-revoked"))!.Value.GetProperty("connected").GetBoolean());
        Assert.Equal(1, agent.Output.Split("Registered with the control plane").Length - 1);
        Assert.True(controlPlane.Process.OutputContains("is revoked"), controlPlane.Process.Output);
    }

    private static async Task<string> CreateTokenAsync(HttpClient admin, bool requiresApproval)
    {
        using var response = await admin.PostAsJsonAsync(
            "/api/v1/enrollment-tokens", new { name = "e2e", maxUses = 1, requiresApproval }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString()!;
    }

    /// <summary>The enrolled agent of the node whose data directory is <paramref name="data"/>.</summary>
    private static async Task<Guid> AgentIdAsync(HttpClient admin, string data)
    {
        var nodeId = Guid.Parse(await File.ReadAllTextAsync(Path.Combine(data, "node-id"), TestContext.Current.CancellationToken));
        var page = await admin.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/agents?pageSize=500", UriKind.Relative), TestContext.Current.CancellationToken);
        return page.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("nodeId").GetGuid() == nodeId).GetProperty("id").GetGuid();
    }
}
