using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Agents;

/// <summary>A real agent process and a real control plane process that crashes and comes back.</summary>
public sealed class AgentReconnectTests
{
    [Fact]
    public async Task An_agent_finds_its_way_back_to_a_restarted_control_plane_on_its_own()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        var agent = controlPlane.StartAgent("e2e-app-01", RepositoryLayout.NewTemporaryDirectory("e2e-agent"));
        await Eventually.HoldsAsync(async () => await api.LivenessOfAsync("e2e-app-01") == "Alive", "the agent's node is Alive", TimeSpan.FromSeconds(30));

        var before = RegistrationsIn(agent.Output);
        await controlPlane.RestartAsync();

        // A restarted control plane may show the node from its database before the agent is back,
        // so wait for the agent's next registration, not only for the liveness.
        try
        {
            await Eventually.HoldsAsync(() => RegistrationsIn(agent.Output) > before, "the agent registers again", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The agent did not register again after the restart. Agent output:\n{agent.Output}\nControl plane output:\n{controlPlane.Process.Output}");
        }

        await Eventually.HoldsAsync(async () => await api.LivenessOfAsync("e2e-app-01") == "Alive", "the node is Alive again after the restart", TimeSpan.FromSeconds(30));
        Assert.False(agent.HasExited);
        Assert.True(agent.OutputContains("Lost touch with the control plane"), agent.Output);
    }

    [Fact]
    public async Task An_agent_with_a_wrong_token_says_so_and_keeps_trying()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var agent = controlPlane.StartAgent("e2e-bad-token", RepositoryLayout.NewTemporaryDirectory("e2e-agent"), token: "a-wrong-token-0123456789");

        await Eventually.HoldsAsync(() => agent.OutputContains("refused the enrollment token (401)"), "the agent reports the refused token", TimeSpan.FromSeconds(30));
        Assert.False(agent.HasExited);
        Assert.True(controlPlane.Process.OutputContains("wrong enrollment token"), controlPlane.Process.Output);
        Assert.False(agent.OutputContains("a-wrong-token-0123456789"));
        Assert.False(controlPlane.Process.OutputContains("a-wrong-token-0123456789"));
    }

    [Fact]
    public async Task An_agent_with_a_bad_setting_exits_with_a_message_naming_the_key()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var agent = controlPlane.StartAgent("e2e-bad-setting", RepositoryLayout.NewTemporaryDirectory("e2e-agent"), heartbeatInterval: "often");

        Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(agent.OutputContains("Invalid configuration: Failed to convert configuration value 'often' at 'Agent:HeartbeatInterval'"), agent.Output);
    }

    private static int RegistrationsIn(string output) => output.Split("Registered with the control plane").Length - 1;
}
