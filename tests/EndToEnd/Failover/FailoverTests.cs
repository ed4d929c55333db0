using System.Net;
using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Failover;

/// <summary>A control plane and three real agents fail a real service over: crashes, a dead agent, a partition, a control plane restart.</summary>
[Collection(TimingSensitive.Name)]
public sealed class FailoverTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_service_that_keeps_crashing_beyond_its_local_budget_moves_to_the_standby()
    {
        await using var cluster = await FailoverCluster.StartAsync(3);
        var group = await cluster.CreateGroupAsync();
        var active = (await cluster.ActiveNodeAsync(group))!;
        Assert.Equal("node1", active.Name);

        // A group member with a standby gets one local restart; the second crash is for good.
        await CrashAsync(active);
        await Eventually.HoldsAsync(() => active.Answers(), "the active service restarted locally once", TimeSpan.FromSeconds(20));
        await CrashAsync(active);
        var next = await cluster.WaitForServiceOnAnotherNodeAsync(active, TimeSpan.FromSeconds(20));

        Assert.Equal("node2", next.Name);
        var failover = await LatestAsync(cluster, group, "Failover");
        Assert.Contains("failed", failover.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(failover.GetProperty("overlap").GetBoolean());
        Assert.Empty(cluster.Overlaps);
    }

    [Fact]
    public async Task When_the_active_agent_is_killed_its_service_dies_with_it_and_the_standby_runs_it_after_the_lease()
    {
        await using var cluster = await FailoverCluster.StartAsync(3);
        var group = await cluster.CreateGroupAsync();
        var active = (await cluster.ActiveNodeAsync(group))!;

        await active.Agent!.KillAloneAsync();
        var killedAt = DateTimeOffset.UtcNow;
        await Eventually.HoldsAsync(() => !active.Answers(), "the service bound to the dead agent is gone", TimeSpan.FromSeconds(5));
        var next = await cluster.WaitForServiceOnAnotherNodeAsync(active, TimeSpan.FromSeconds(20));
        var takeover = DateTimeOffset.UtcNow - killedAt;

        Assert.True(takeover >= TimeSpan.FromSeconds(2), $"the standby started {takeover} after the kill, before the lease could have ended");
        var failover = await LatestAsync(cluster, group, "Failover");
        Assert.Equal(next.Id, failover.GetProperty("toNodeId").GetGuid());
        Assert.Empty(cluster.Overlaps);
    }

    [Fact]
    public async Task An_active_cut_off_from_the_control_plane_stops_its_service_before_the_standby_starts_it()
    {
        await using var cluster = await FailoverCluster.StartAsync(2);
        var group = await cluster.CreateGroupAsync();
        var active = (await cluster.ActiveNodeAsync(group))!;

        active.Link.Cut();
        var next = await cluster.WaitForServiceOnAnotherNodeAsync(active, TimeSpan.FromSeconds(30));

        // The cut-off agent is alive and fenced its own service: it stopped before the other started.
        Assert.False(active.Agent!.HasExited);
        var stopped = TestServiceProgram.ReadState(active.StateFile).Last(s => s.What == "stopped").At;
        var started = TestServiceProgram.ReadState(next.StateFile).Last(s => s.What == "started").At;
        Assert.True(stopped < started, $"stopped at {stopped:HH:mm:ss.fff}, the standby started at {started:HH:mm:ss.fff}");
        Assert.Empty(cluster.Overlaps);

        // Healed, the old active learns the new epoch and stays a standby.
        active.Link.Heal();
        await Eventually.HoldsAsync(
            async () =>
            {
                var current = await cluster.GroupAsync(group);
                var member = current.GetProperty("members").EnumerateArray().First(m => m.GetProperty("nodeId").GetGuid() == active.Id);
                return member.GetProperty("reachable").GetBoolean()
                    && member.GetProperty("reportedEpoch") is { ValueKind: JsonValueKind.Number } epoch && epoch.GetInt64() == current.GetProperty("epoch").GetInt64()
                    && member.GetProperty("reportsActive").ValueKind == JsonValueKind.False;
            },
            "the old active is back and reports the new epoch as a standby",
            TimeSpan.FromSeconds(30));
        Assert.False(active.Answers());
        Assert.Empty(cluster.Overlaps);
    }

    [Fact]
    public async Task An_active_agent_whose_control_plane_address_dies_is_on_its_next_address_before_the_lease_lapses_and_its_service_runs_on()
    {
        await using var cluster = await FailoverCluster.StartAsync(2, twoAddresses: true);
        var group = await cluster.CreateGroupAsync();
        var active = (await cluster.ActiveNodeAsync(group))!;
        var process = TestServiceProgram.ReadState(active.StateFile).Last(s => s.What == "started").ProcessId;
        var epoch = (await cluster.GroupAsync(group)).GetProperty("epoch").GetInt64();

        var downAt = DateTimeOffset.UtcNow;
        active.FirstAddress!.Down();
        await Eventually.HoldsAsync(
            () => active.Agent!.Output.Contains($"Registered with the control plane at {active.Link.Url.ToString().TrimEnd('/')}", StringComparison.Ordinal),
            "the agent registered at its second address",
            TimeSpan.FromSeconds(10));

        // Heard from well past the lease the agent held when its first address died: no lapse could hide.
        await Eventually.HoldsAsync(
            async () => (await cluster.NodeAsync(active)).GetProperty("lastSeenAt").GetDateTimeOffset() > downAt + TimeSpan.FromSeconds(5),
            "the agent was heard from 5 s after its first address died",
            TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("lapsed", active.Agent!.Output, StringComparison.Ordinal);
        Assert.Equal(process, TestServiceProgram.ReadState(active.StateFile).Last(s => s.What == "started").ProcessId);
        Assert.Equal(epoch, (await cluster.GroupAsync(group)).GetProperty("epoch").GetInt64());
        Assert.True(cluster.FirstSilent(downAt, active) is null, cluster.Describe(downAt, active));
        Assert.Empty(cluster.Overlaps);
    }

    [Fact]
    public async Task A_planned_restart_of_the_control_plane_longer_than_the_lease_restarts_no_service_and_moves_no_role()
    {
        await using var cluster = await FailoverCluster.StartAsync(2);
        var group = await cluster.CreateGroupAsync();
        var active = (await cluster.ActiveNodeAsync(group))!;
        var process = TestServiceProgram.ReadState(active.StateFile).Last(s => s.What == "started").ProcessId;
        var epoch = (await cluster.GroupAsync(group)).GetProperty("epoch").GetInt64();

        var stoppedAt = DateTimeOffset.UtcNow;
        var said = await cluster.ControlPlane.StopGracefullyAsync();
        Assert.Contains("1 of 1 failover groups' active members hold a lease of 00:01:00 for the restart", said, StringComparison.Ordinal);

        // The outage is the scenario: longer than a lease (3 s) and its allowance (1 s).
        await Task.Delay(TimeSpan.FromSeconds(6), TestContext.Current.CancellationToken);
        await cluster.ControlPlane.StartAgainAsync();
        await Eventually.HoldsAsync(
            async () => (await cluster.GroupAsync(group)).GetProperty("members").EnumerateArray()
                .Any(m => m.GetProperty("nodeId").GetGuid() == active.Id && m.GetProperty("reachable").GetBoolean() && m.GetProperty("holdsLease").ValueKind == JsonValueKind.True),
            "the active member is back and holds its lease",
            TimeSpan.FromSeconds(30));

        Assert.True(active.Answers());
        Assert.True(cluster.FirstSilent(stoppedAt, active) is null, cluster.Describe(stoppedAt, active));
        Assert.DoesNotContain("lapsed", active.Agent!.Output, StringComparison.Ordinal);
        Assert.True(process == TestServiceProgram.ReadState(active.StateFile).Last(s => s.What == "started").ProcessId, cluster.Describe(DateTimeOffset.MinValue, active));
        Assert.Equal(epoch, (await cluster.GroupAsync(group)).GetProperty("epoch").GetInt64());
        Assert.Empty(cluster.Overlaps);
    }

    [Fact]
    public async Task A_switchover_stops_the_old_active_before_starting_the_new_and_automatic_failback_returns_to_the_preferred_member()
    {
        await using var cluster = await FailoverCluster.StartAsync(2);
        var group = await cluster.CreateGroupAsync(new { failback = "Automatic", failbackAfterSeconds = 3, cooldownSeconds = 0 });
        var preferred = (await cluster.ActiveNodeAsync(group))!;

        using var response = await cluster.PostAsync($"/api/v1/groups/{group}/switchover", new { targetNodeId = cluster.Nodes[1].Id });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var other = await cluster.WaitForServiceOnAnotherNodeAsync(preferred, TimeSpan.FromSeconds(20));
        var switchover = await LatestAsync(cluster, group, "Switchover");
        Assert.True(switchover.GetProperty("rtoMs").GetInt64() > 0);

        // The preferred member is ready again: after 3 s the role goes back to it by itself.
        await Eventually.HoldsAsync(() => preferred.Answers() && !other.Answers(), "the role failed back to the preferred member", TimeSpan.FromSeconds(30));
        await LatestAsync(cluster, group, "Failback");
        Assert.Empty(cluster.Overlaps);
    }

    [Fact]
    public async Task A_control_plane_restarted_in_the_middle_of_a_failover_finishes_it()
    {
        await using var cluster = await FailoverCluster.StartAsync(2);
        var group = await cluster.CreateGroupAsync();
        var active = (await cluster.ActiveNodeAsync(group))!;

        await active.Agent!.KillAloneAsync();
        // The failover begins once the node is lost (about a second); the standby waits for the lease.
        await Eventually.HoldsAsync(async () => (await cluster.GroupAsync(group)).GetProperty("transition").ValueKind != JsonValueKind.Null, "the failover has begun", TimeSpan.FromSeconds(10));
        await cluster.ControlPlane.RestartAsync();

        var next = await cluster.WaitForServiceOnAnotherNodeAsync(active, TimeSpan.FromSeconds(40));
        var failover = await LatestAsync(cluster, group, "Failover");
        Assert.Equal(next.Id, failover.GetProperty("toNodeId").GetGuid());
        Assert.Empty(cluster.Overlaps);
    }

    [Fact]
    public async Task Activation_hooks_run_on_each_change_of_role_and_the_role_endpoint_tells_load_balancers_where_the_active_is()
    {
        await using var cluster = await FailoverCluster.StartAsync(2, withHooksAndRoleEndpoints: true);
        var group = await cluster.CreateGroupAsync();
        var active = (await cluster.ActiveNodeAsync(group))!;
        var standby = cluster.Nodes.Single(n => n != active);
        Assert.Equal(HttpStatusCode.OK, await RoleStatusAsync(active));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await RoleStatusAsync(standby));

        using var response = await cluster.PostAsync($"/api/v1/groups/{group}/switchover", new { });
        // Two hooks run on the way (each a shell): on a machine busy with the rest of the suite that took over 20 s once.
        await cluster.WaitForServiceOnAnotherNodeAsync(active, TimeSpan.FromSeconds(40));
        await Eventually.HoldsAsync(async () => await RoleStatusAsync(standby) == HttpStatusCode.OK && await RoleStatusAsync(active) == HttpStatusCode.ServiceUnavailable, "the role endpoints follow the switchover");

        var epoch = (await cluster.GroupAsync(group)).GetProperty("epoch").GetInt64();
        await Eventually.HoldsAsync(() => File.Exists(active.HookLog) && File.ReadAllLines(active.HookLog).Contains($"deactivate web {epoch} web"), "the old active ran its deactivation hook at the new epoch");
        Assert.Contains($"activate web {epoch} web", File.ReadAllLines(standby.HookLog));
        using var unknown = await Http.GetAsync(new Uri(standby.RoleEndpoint!, "roles/no-such-group"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static async Task<HttpStatusCode> RoleStatusAsync(ClusterNode node)
    {
        using var response = await Http.GetAsync(new Uri(node.RoleEndpoint!, "roles/web"));
        return response.StatusCode;
    }

    private static async Task CrashAsync(ClusterNode node)
    {
        using var response = await Http.PostAsync(new Uri($"http://127.0.0.1:{node.Port}/crash?code=9"), null);
        await Eventually.HoldsAsync(() => !node.Answers(), $"the service on {node.Name} crashed", TimeSpan.FromSeconds(5));
    }

    internal static async Task<JsonElement> LatestAsync(FailoverCluster cluster, Guid group, string kind)
    {
        JsonElement found = default;
        await Eventually.HoldsAsync(
            async () => (await cluster.HistoryAsync(group)).FirstOrDefault(h => h.GetProperty("kind").GetString() == kind && h.GetProperty("outcome").GetString() == "Completed") is { ValueKind: JsonValueKind.Object } entry && (found = entry).ValueKind == JsonValueKind.Object,
            $"a completed {kind} is in the history",
            TimeSpan.FromSeconds(20));
        return found;
    }
}
