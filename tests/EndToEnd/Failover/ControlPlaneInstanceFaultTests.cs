using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Vigil.EndToEnd.Tests.Failover.RelayingStandbyTests;
using static Vigil.EndToEnd.Tests.Failover.StandbyControlPlaneTests;

namespace Vigil.EndToEnd.Tests.Failover;

/// <summary>
/// Two real control planes on one PostgreSQL database and one Redis, with the crash-tolerant settings
/// of the operator guide, and a group of two real agents that know both: the deciding instance is
/// killed in the middle of a failover, or the database hangs for longer than the decider lease. The
/// other instance decides then, and at no moment do two members run the service.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ControlPlaneInstanceFaultTests : IAsyncLifetime
{
    private SharedDatabaseAndRedis? _shared;

    public async ValueTask InitializeAsync() => _shared = await SharedDatabaseAndRedis.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_deciding_instance_killed_in_the_middle_of_a_failover_leaves_the_other_instance_to_finish_it_without_overlap()
    {
        var (cluster, group, active) = await SteadyGroupOfTwoAsync();
        await using var disposing = cluster;
        var (deciding, standingBy) = (cluster.Instances[0], cluster.Instances[1]);
        var other = cluster.Nodes.Single(n => n != active);

        await active.Agent!.KillAloneAsync();
        // The failover begins once the node is lost; the other member waits for the lost one's lease (8 s) and its allowance.
        await Eventually.HoldsAsync(async () => (await cluster.GroupAsync(group)).GetProperty("transition").ValueKind != JsonValueKind.Null, "the failover has begun", TimeSpan.FromSeconds(15));
        await deciding.KillAsync();

        await cluster.ServedByAsync(standingBy, TimeSpan.FromSeconds(20));
        Assert.True(standingBy.Process.OutputContains("after standing by"), standingBy.Process.Output);
        await HoldsAsync(() => other.Answers(), "the other member runs the service", standingBy.Process, other.Agent!);

        Assert.True(standingBy.Process.OutputContains("resuming the Failover at epoch"), standingBy.Process.Output);
        var failover = await FailoverTests.LatestAsync(cluster, group, "Failover");
        Assert.Equal(other.Id, failover.GetProperty("toNodeId").GetGuid());
        Assert.False(failover.GetProperty("overlap").GetBoolean());
        Assert.Empty(cluster.Overlaps);
    }

    [Fact]
    public async Task PostgreSQL_hung_longer_than_the_decider_lease_stops_the_deciding_instance_and_the_other_decides_once_it_answers_without_overlap()
    {
        var (cluster, group, active) = await SteadyGroupOfTwoAsync();
        await using var disposing = cluster;
        var (deciding, standingBy) = (cluster.Instances[0], cluster.Instances[1]);
        await Eventually.HoldsAsync(
            async () => await HoldsLeaseAsync(deciding) && StateFileCaughtUp(active.StateFile, active.Agent!.Output),
            "the active member runs its service under its lease",
            TimeSpan.FromSeconds(30));
        var epoch = (await cluster.GroupAsync(group)).GetProperty("epoch").GetInt64();

        var frozenAt = DateTimeOffset.UtcNow;
        _shared!.Postgres.Freeze();
        // The deciding instance cannot confirm its 3 s lease: it stops deciding, and stops.
        await HoldsAsync(() => deciding.Process.OutputContains("stopped deciding and granting leases"), "the deciding instance stops deciding", deciding.Process);
        // The hang is the scenario: it outlasts the decider lease, so the other instance may take over at once when it ends.
        await Eventually.HoldsAsync(() => DateTimeOffset.UtcNow > frozenAt + TimeSpan.FromSeconds(4), "the database has hung for longer than the decider lease");
        _shared.Postgres.Thaw();

        // Exit code 1, for its service manager to start it again as a standby; the other instance decides.
        Assert.Equal(1, await ExitCodeAsync(deciding, TimeSpan.FromSeconds(30)));
        await cluster.ServedByAsync(standingBy, TimeSpan.FromSeconds(20));
        await HoldsAsync(() => HoldsLeaseAsync(standingBy), "the active member holds a lease from the other instance", standingBy.Process, active.Agent!);
        // The stopped instance gave no planned-stop lease on its way out, so it recorded none for the new one to wait for.
        Assert.False(standingBy.Process.OutputContains("at the last planned stop may hold the long lease"), standingBy.Process.Output);

        // The member's 8 s lease outlasts the hang only if the takeover is quick enough: either its service ran on, or the lease
        // lapsed a lease after its last renewal, its agent stopped the service, and started it again once the new instance renewed it.
        // Either way it kept the role and no other member ran the service.
        var what = string.Join(Environment.NewLine + "----" + Environment.NewLine, cluster.Describe(frozenAt, active), deciding.Process.Output, standingBy.Process.Output);
        Assert.Equal(epoch, (await cluster.GroupAsync(group)).GetProperty("epoch").GetInt64());
        await HoldsAsync(() => active.Answers(), "the active member runs its service under the new instance's lease", active.Agent!);
        var lapsed = active.Agent!.OutputContains("lapsed");
        Assert.True(lapsed == ChangedSince(active.StateFile, frozenAt) is not null, what);
        Assert.True(!lapsed || cluster.FirstSilent(frozenAt, active) > frozenAt + TimeSpan.FromSeconds(6), what);
        TestContext.Current.TestOutputHelper?.WriteLine(lapsed
            ? $"The member's lease lapsed; its service stopped at {cluster.FirstSilent(frozenAt, active):HH:mm:ss.fff}, {cluster.FirstSilent(frozenAt, active) - frozenAt} after the hang began."
            : "The member kept its lease through the hang and the takeover.");

        // The instance that stopped comes back as the standby, and commands and their outcomes go through the new decider.
        await deciding.StartAgainAsync(standingBy: true);
        await Eventually.HoldsAsync(() => deciding.Process.OutputContains("relaying the agents"), "the stopped instance stands by again", TimeSpan.FromSeconds(60));
        using var response = await cluster.PostAsync($"/api/v1/groups/{group}/switchover", new { targetNodeId = cluster.Nodes.Single(n => n != active).Id });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await cluster.WaitForServiceOnAnotherNodeAsync(active, TimeSpan.FromSeconds(30));
        await FailoverTests.LatestAsync(cluster, group, "Switchover");
        Assert.Single(cluster.Answering());
        Assert.Empty(cluster.Overlaps);
    }

    /// <summary>Two instances, the first deciding, and a group of two members (node1 active) on the crash-tolerant settings.</summary>
    private async Task<(FailoverCluster Cluster, Guid Group, ClusterNode Active)> SteadyGroupOfTwoAsync()
    {
        var cluster = await FailoverCluster.StartOnTwoInstancesAsync(2, _shared!, SharedDatabaseAndRedis.CrashTolerant);
        var group = await cluster.CreateGroupAsync();
        return (cluster, group, (await cluster.ActiveNodeAsync(group))!);
    }

    private static async Task<int> ExitCodeAsync(RunningControlPlane instance, TimeSpan timeout)
    {
        try
        {
            return await instance.Process.WaitForExitAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{instance.Url} did not exit within {timeout.TotalSeconds} s:{Environment.NewLine}{instance.Process.Output}");
            throw;
        }
    }
}
