using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Supervision;

/// <summary>The agent does its local job without the control plane, and loses no event.</summary>
[Collection(TimingSensitive.Name)]
public sealed class OutageTests
{
    [Fact]
    public async Task The_agent_heals_while_the_control_plane_is_down_and_every_event_arrives_once_even_across_a_kill_9()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-outage");
        AgentConfigFile.Rewrite(node.ConfigFile, HealingTests.WebService(node, port, restart: new { InitialDelay = "00:00:00.500" }));
        await node.WaitForHealthAsync("web", "Healthy");
        var before = (await node.Api.EventsAsync(node.NodeName)).Count;

        await node.ControlPlane.KillAsync();

        // Healed without the control plane: a crash, then the agent killed and started again.
        await HealingTests.CrashAsync(port, code: 5);
        await WaitForStartsAsync(node, 2);
        await node.Agent!.KillAloneAsync();
        var adopted = TestServiceProgram.ReadState(node.StateFile("web")).Last(s => s.What == "started").ProcessId;
        node.StartAgent();
        await TestServiceProgram.WaitUntilAnswersAsync(port);
        await HealingTests.CrashAsync(port, code: 6);
        await WaitForStartsAsync(node, 3);

        await node.ControlPlane.StartAgainAsync();

        await node.WaitForHealthAsync("web", "Healthy");
        await node.WaitForEventAsync("ServiceExited", "web", count: 2);
        await node.WaitForEventAsync("AgentStarted", count: 2);
        var events = await node.Api.EventsAsync(node.NodeName);
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Distinct().Count(), sequences.Count);
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences.Order());
        Assert.True(events.Count > before);
        var exits = events.Where(e => SupervisedNode.Is(e, "ServiceExited", "web")).ToList();
        Assert.Equal(2, exits.Count);
        Assert.Equal(5, exits[0].GetProperty("exitCode").GetInt32());
        // The second crash hit a process the restarted agent adopted: only a parent learns an exit code.
        Assert.StartsWith("exited (exit code unknown: an earlier run of the agent started it)", exits[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, TestServiceProgram.ReadState(node.StateFile("web")).Count(s => s.What == "started"));
        Assert.True(node.Agent!.OutputContains($"found its process {adopted} still running"), node.Agent.Output);
    }

    private static Task WaitForStartsAsync(SupervisedNode node, int count) => Eventually.HoldsAsync(
        () => TestServiceProgram.ReadState(node.StateFile("web")).Count(s => s.What == "started") >= count,
        $"the service has started {count} times",
        TimeSpan.FromSeconds(60));
}
