using System.Globalization;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Failover;

/// <summary>
/// Real partitions: the control plane in a network namespace with a bridge, each agent (and its
/// service) in a namespace of its own, joined by a veth pair. The active's bridge port is taken down,
/// so nothing tells either side (no reset, no error): only the lease can. Every member's service is
/// probed from inside its own namespace, on one clock, all along. Needs root (CAP_NET_ADMIN) and
/// iproute2; skipped otherwise.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class NamespacePartitionTests
{
    /// <summary>Trials of the measuring test; <c>tests/EndToEnd/run-partition-trials.sh</c> sets more.</summary>
    private static readonly int MeasuredTrials = int.TryParse(Environment.GetEnvironmentVariable("VIGIL_PARTITION_TRIALS"), CultureInfo.InvariantCulture, out var trials) ? trials : 2;

    [Fact]
    public async Task An_active_cut_off_by_a_silent_partition_stops_its_service_before_another_member_answers_and_one_member_runs_after_healing()
    {
        using var network = CreateNetworkOrSkip();
        await using var cluster = await FailoverCluster.StartAsync(2, network: network);
        var group = await cluster.CreateGroupAsync(new { isolation = "Stop" });

        await PartitionTheActiveAsync(cluster, group);
    }

    [Fact]
    public async Task An_active_whose_group_was_edited_from_KeepRunning_to_Stop_stops_its_service_before_another_member_answers_when_cut_off()
    {
        using var network = CreateNetworkOrSkip();
        await using var cluster = await FailoverCluster.StartAsync(2, network: network);
        var group = await cluster.CreateGroupAsync(new { isolation = "KeepRunning" });
        await cluster.UpdateGroupAsync(group, new { isolation = "Stop" });
        Assert.Equal("Stop", (await cluster.GroupAsync(group)).GetProperty("policy").GetProperty("isolation").GetString());
        // The edit is in force once the active member reports the new terms (its next heartbeat); before that the
        // control plane treats it as KeepRunning, waiting for an operator rather than risking two actives.
        await Eventually.HoldsAsync(() => cluster.ActiveHoldsCurrentTermsAsync(group), "the active member reports the edited terms");

        await PartitionTheActiveAsync(cluster, group);
    }

    [Fact]
    public async Task How_long_an_isolated_active_keeps_answering_after_a_silent_cut_is_measured_over_several_partitions()
    {
        using var network = CreateNetworkOrSkip();
        await using var cluster = await FailoverCluster.StartAsync(2, network: network);
        var group = await cluster.CreateGroupAsync(new { isolation = "Stop", cooldownSeconds = 0, maxFailovers = 100 });

        var answered = new List<double>();
        for (var trial = 1; trial <= MeasuredTrials; trial++)
        {
            answered.Add((await PartitionTheActiveAsync(cluster, group)).TotalMilliseconds);
        }

        answered.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"partition summary: {answered.Count} cuts, the isolated service answered {answered[0]:0} to {answered[^1]:0} ms after the cut"));
    }

    private static IsolatedNetwork CreateNetworkOrSkip()
    {
        var network = IsolatedNetwork.TryCreate(out var whyNot);
        Assert.SkipWhen(network is null, $"Partitions in network namespaces are not possible here: {whyNot}");
        return network!;
    }

    /// <summary>
    /// Cuts the active off, checks that its service stopped answering before any other member's
    /// started, heals, and checks that one member runs; returns how long the isolated service still
    /// answered after the cut.
    /// </summary>
    private static async Task<TimeSpan> PartitionTheActiveAsync(FailoverCluster cluster, Guid group)
    {
        var active = (await cluster.ActiveNodeAsync(group))!;
        Assert.Equal([active], cluster.Answering());
        var cutAt = DateTimeOffset.UtcNow;
        active.Link.Cut();

        DateTimeOffset? firstOther = null;
        await Eventually.HoldsAsync(() => (firstOther = cluster.FirstAnswering(cutAt, n => n != active)) is not null, "the watcher saw another member answer", TimeSpan.FromSeconds(30));
        var otherAnsweredAt = firstOther!.Value;
        var next = await cluster.WaitForServiceOnAnotherNodeAsync(active, TimeSpan.FromSeconds(10));
        var silentAt = cluster.FirstSilent(cutAt, active);
        Assert.True(
            silentAt is not null && silentAt < otherAnsweredAt,
            $"{next.Name} answered {Since(cutAt, otherAnsweredAt)} after {active.Name} was cut off, while {active.Name} "
            + (silentAt is null ? "still answered" : $"answered until {Since(cutAt, silentAt.Value)}")
            + $"; both answered at {string.Join("; ", cluster.Overlaps)}; {active.Name}'s agent said: "
            + string.Join(" | ", active.Agent!.Output.Split(Environment.NewLine).Where(l => l.Contains("lease", StringComparison.OrdinalIgnoreCase)).TakeLast(3)));
        Assert.Empty(cluster.Overlaps);
        Assert.False(active.Agent!.HasExited);
        var answered = silentAt!.Value - cutAt;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"partition: the isolated service answered {answered.TotalMilliseconds:0} ms after the cut; {next.Name} answered {(otherAnsweredAt - cutAt).TotalMilliseconds:0} ms after it"));

        // Healed, the old active learns of the new epoch and stays a standby: one member runs.
        active.Link.Heal();
        await Eventually.HoldsAsync(() => cluster.IsReachableAsync(group, active), $"{active.Name} is reachable again", TimeSpan.FromSeconds(45));
        await Eventually.HoldsAsync(async () => await cluster.ActiveNodeAsync(group) == next, $"the group settles on {next.Name}", TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(() => cluster.Answering() is [var only] && only == next, $"only {next.Name} answers", TimeSpan.FromSeconds(20));
        Assert.Empty(cluster.Overlaps);
        return answered;
    }

    private static string Since(DateTimeOffset cutAt, DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"{(at - cutAt).TotalMilliseconds:0} ms");
}
