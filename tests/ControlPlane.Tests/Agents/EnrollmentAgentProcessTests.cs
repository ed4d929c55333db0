using System.Net;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>
/// Real agent processes enrolling with the real control plane (hosted here, so that tests can act as
/// an admin): the credential file, approval, revocation, and secrets kept out of every log.
/// </summary>
public sealed class EnrollmentAgentProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private readonly List<ProductProcess> _agents = [];
    private ControlPlaneHost _host = null!;
    private EnrollmentAdmin _admin = null!;
    private NodesApiClient _nodes = null!;

    public async ValueTask InitializeAsync()
    {
        (_host, _admin) = await EnrollmentAdmin.StartAsync(_database);
        _nodes = new NodesApiClient(_host.CreateHttpClient());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        _admin.Http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task An_agent_restarts_with_its_stored_credential_without_the_token_and_never_logs_secrets()
    {
        var data = RepositoryLayout.NewTemporaryDirectory("enrol-agent");
        var (_, token) = await _admin.CreateTokenAsync(maxUses: 1);
        var first = StartAgent("enrol-restart", data, token);
        await Eventually.HoldsAsync(() => first.OutputContains("Registered with the control plane"), "the agent enrols and registers", Patience);
        var credentialFile = Path.Combine(data, "credential");
        var credential = (await File.ReadAllTextAsync(credentialFile, TestContext.Current.CancellationToken)).Trim();

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialFile));
        }

        Assert.StartsWith("vac_", credential, StringComparison.Ordinal);
        Assert.Equal(0, await first.StopGracefullyAsync(TimeSpan.FromSeconds(30)));

        // The token had one use, spent: only the stored credential can bring the agent back.
        var second = StartAgent("enrol-restart", data, token: null);
        await Eventually.HoldsAsync(() => second.OutputContains("Registered with the control plane"), "the agent registers again with its credential", Patience);
        Assert.False(second.OutputContains("enrolled as agent"), second.Output);

        foreach (var secret in new[] { token, credential })
        {
            Assert.False(first.OutputContains(secret));
            Assert.False(second.OutputContains(secret));
            Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(data, "logs")))
            {
                Assert.DoesNotContain(secret, await ReadSharedAsync(file), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_revoked_agent_is_disconnected_at_once_and_stays_out()
    {
        var data = RepositoryLayout.NewTemporaryDirectory("enrol-agent");
        var agent = StartAgent("enrol-revoked", data, ControlPlaneHost.EnrollmentToken);
        await Eventually.HoldsAsync(() => agent.OutputContains("Registered with the control plane"), "the agent registers", Patience);
        var nodeId = Guid.Parse(await File.ReadAllTextAsync(Path.Combine(data, "node-id"), TestContext.Current.CancellationToken));
        var agentId = (await _admin.AgentOfNodeAsync(nodeId))!.Value.GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.OK, await _admin.RevokeAsync(agentId));

        await Eventually.HoldsAsync(async () => await _nodes.FindAsync(nodeId) is { Connected: false }, "the node is disconnected", Patience);
        await Eventually.HoldsAsync(() => agent.OutputContains("has revoked this agent"), "the agent reports that it is revoked", Patience);
        Assert.False(agent.HasExited);
        Assert.False((await _nodes.FindAsync(nodeId))!.Connected);
        Assert.Equal(1, agent.Output.Split("Registered with the control plane").Length - 1);
    }

    [Fact]
    public async Task A_pending_agent_waits_for_approval_then_connects()
    {
        var data = RepositoryLayout.NewTemporaryDirectory("enrol-agent");
        var (_, token) = await _admin.CreateTokenAsync(requiresApproval: true);
        var agent = StartAgent("enrol-pending", data, token);
        await Eventually.HoldsAsync(() => agent.OutputContains("waiting for approval"), "the agent says it waits for approval", Patience);
        var nodeId = Guid.Parse(await File.ReadAllTextAsync(Path.Combine(data, "node-id"), TestContext.Current.CancellationToken));
        Assert.False(agent.OutputContains("Registered with the control plane"));
        Assert.Null(await _nodes.FindAsync(nodeId));

        var agentId = (await _admin.AgentOfNodeAsync(nodeId))!.Value.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, await _admin.ApproveAsync(agentId));

        await Eventually.HoldsAsync(() => agent.OutputContains("Registered with the control plane"), "the approved agent registers", Patience);
        Assert.True((await _nodes.FindAsync(nodeId))!.Connected);
    }

    private ProductProcess StartAgent(string nodeName, string dataDirectory, string? token)
    {
        var agent = ProductProcess.Start($"agent {nodeName}", RepositoryLayout.AgentDll, new Dictionary<string, string?>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Agent__ControlPlaneUrl"] = _host.Address.ToString(),
            ["Agent__EnrollmentToken"] = token ?? "",
            ["Agent__NodeName"] = nodeName,
            ["Agent__DataDirectory"] = dataDirectory,
            ["Agent__HeartbeatInterval"] = "00:00:01",
            ["Agent__Reconnect__MaxDelay"] = "00:00:01",
        });
        _agents.Add(agent);
        return agent;
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }
}
