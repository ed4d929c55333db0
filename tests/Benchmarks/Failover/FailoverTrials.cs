namespace Vigil.Benchmarks.Failover;

/// <summary>
/// A fresh cluster, its port watch and one group over its nodes, and the trials run against it. A
/// trial starts from a settled group, causes its fault, measures, and ends when the group has settled
/// again (with the killed agent started again, unless told not to), so that whatever happens while
/// it settles (an overlap) counts against it.
/// </summary>
public sealed class FailoverTrials : IAsyncDisposable
{
    private const int Nodes = 3;
    private static readonly HttpClient Service = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly TimeSpan MoveTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long the settled state must last: longer than an agent that stopped heartbeating takes to be seen lost (about 3 s).</summary>
    private static readonly TimeSpan SettledFor = TimeSpan.FromSeconds(5);

    private readonly BenchmarkCluster _cluster;
    private readonly PortWatch _watch;
    private readonly TimeProvider _time;
    private Guid _groupId;
    private int _overlapsBefore;
    private int _overlapsInTrials;

    private FailoverTrials(BenchmarkCluster cluster, PortWatch watch, TimeProvider time)
    {
        _cluster = cluster;
        _watch = watch;
        _time = time;
    }

    public BenchmarkCluster Cluster => _cluster;

    public long Samples => _watch.Samples;

    /// <summary>Overlapping samples of the settled group outside any trial (before the group exists every agent runs its service).</summary>
    public int OverlapsOutsideTrials => _watch.Overlaps.Count - _overlapsBefore - _overlapsInTrials;

    /// <summary>Starts a cluster of three nodes, creates the group (node1 preferred) with the benchmark's policy, and waits until it has settled.</summary>
    public static async Task<FailoverTrials> StartAsync(BenchmarkService service, BenchmarkProfile profile, TimeProvider time, CancellationToken cancellationToken)
    {
        var cluster = await BenchmarkCluster.StartAsync(Nodes, service, profile, time, cancellationToken);
        var trials = new FailoverTrials(cluster, new PortWatch(cluster.Nodes, time), time);
        try
        {
            var policy = new { cooldownSeconds = FailoverSettings.CooldownSeconds, maxFailovers = FailoverSettings.MaxFailovers };
            trials._groupId = await cluster.Api.CreateGroupAsync("web", [.. cluster.Nodes.Select(n => n.Id)], policy, time, cancellationToken);
            await trials.SettleAsync(restartKilledAgents: true, cancellationToken);
            trials._overlapsBefore = trials._watch.Overlaps.Count;
        }
        catch
        {
            await trials.DisposeAsync();
            throw;
        }

        return trials;
    }

    /// <summary>Runs one trial of the scenario from the settled group, and waits until it has settled again (see <see cref="TrialResult.Settled"/>).</summary>
    public async Task<TrialResult> RunAsync(FailoverScenario scenario, int trial, bool restartKilledAgents, CancellationToken cancellationToken)
    {
        var overlapsBefore = _watch.Overlaps.Count;
        try
        {
            var group = await _cluster.Api.GroupAsync(_groupId, cancellationToken);
            var from = _cluster.Nodes.Single(n => n.Name == group.ActiveNodeName);
            var historyBefore = (await _cluster.Api.HistoryAsync(_groupId, cancellationToken)).Select(e => e.Id).DefaultIfEmpty(0).Max();
            var (faultAt, moved, gap) = scenario switch
            {
                FailoverScenario.Crash => await CrashBeyondBudgetAsync(from, cancellationToken),
                FailoverScenario.NodeLost => await KillAgentAsync(from, cancellationToken),
                _ => await SwitchOverAsync(from, cancellationToken),
            };
            var to = moved.Answering.First(n => n != from);
            var (entry, others) = await TransitionAfterAsync(historyBefore, scenario == FailoverScenario.Switchover ? "Switchover" : "Failover", cancellationToken);
            string? unsettled = null;
            try
            {
                await SettleAsync(restartKilledAgents, cancellationToken);
            }
            catch (TimeoutException exception)
            {
                // The trial measured what it should; only the next one cannot start.
                unsettled = exception.Message;
            }

            var notes = Notes(entry, to, others);
            if (unsettled is not null)
            {
                notes.Add(unsettled);
            }

            var overlaps = _watch.Overlaps.Skip(overlapsBefore).ToList();
            return new TrialResult(
                scenario,
                trial,
                from.Name,
                to.Name,
                faultAt,
                ((scenario == FailoverScenario.Switchover ? entry.DecidedAt : entry.DetectedAt) - faultAt).TotalMilliseconds,
                (moved.At - faultAt).TotalMilliseconds,
                entry.RtoMs,
                gap.TotalMilliseconds,
                overlaps.Count,
                [.. overlaps.Take(5).Select(o => o.ToString())],
                entry.Reason,
                notes,
                Settled: unsettled is null);
        }
        finally
        {
            _overlapsInTrials += _watch.Overlaps.Count - overlapsBefore;
        }
    }

    /// <summary>
    /// Waits until the group is settled, and has stayed so for <see cref="SettledFor"/>: no transition,
    /// every member whose agent runs reachable and eligible, and exactly the active member's port
    /// answering. Killed agents are started again first (same data folder: the same node) unless told not to.
    /// </summary>
    public async Task SettleAsync(bool restartKilledAgents, CancellationToken cancellationToken)
    {
        if (restartKilledAgents)
        {
            _cluster.RestartKilledAgents();
        }

        GroupState? seen = null;
        long? since = null;
        await Waiting.UntilAsync(
            async token =>
            {
                var group = seen = await _cluster.Api.GroupAsync(_groupId, token);
                var active = _cluster.Nodes.FirstOrDefault(n => n.Name == group.ActiveNodeName);
                var running = _cluster.Nodes.Where(n => n.AgentRunning).Select(n => n.Id).ToHashSet();
                var settled = !group.InTransition
                    && active is not null
                    && group.Members.Where(m => running.Contains(m.NodeId)).All(m => m.Reachable && m.Eligible)
                    && _watch.Latest is { Answering: [var only] } && only == active;
                since = settled ? since ?? _time.GetTimestamp() : null;
                return since is { } start && _time.GetElapsedTime(start) >= SettledFor;
            },
            () => $"the group settles (last seen: active {seen?.ActiveNodeName ?? "none"}, {(seen?.InTransition == true ? "in transition" : "no transition")}, "
                + $"members {string.Join(", ", seen?.Members.Select(m => $"{m.NodeName} {(m.Reachable ? "reachable" : "unreachable")} {m.Health} {(m.Eligible ? "eligible" : "not eligible")}") ?? [])}; "
                + $"status: {seen?.Status}; ports: {_watch.Latest})",
            SettleTimeout,
            _time,
            cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _watch.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    /// <summary>
    /// Crashes the active's service, waits until it answers again (its one local restart), and crashes
    /// it again: the fault is the second crash, when its port stops answering.
    /// </summary>
    private async Task<(DateTimeOffset FaultAt, PortSample Moved, TimeSpan Gap)> CrashBeyondBudgetAsync(BenchmarkNode from, CancellationToken cancellationToken)
    {
        var firstDown = _watch.NextAsync(s => !s.Answers(from), $"the service on {from} stops after the first crash", TimeSpan.FromSeconds(10), cancellationToken);
        await CrashServiceAsync(from, cancellationToken);
        await firstDown;
        var back = await _watch.NextAsync(s => s.Answering.Count > 0, $"the service on {from} answers again after its local restart", MoveTimeout, cancellationToken);
        if (!back.Answers(from))
        {
            throw new InvalidOperationException($"The first crash already moved the service from {from} ({back}): its local restart was spent before the trial.");
        }

        var down = _watch.NextAsync(s => !s.Answers(from), $"the service on {from} stops after the second crash", TimeSpan.FromSeconds(10), cancellationToken);
        var moved = _watch.NextAsync(s => s.Answering.Any(n => n != from), $"the service answers on a node other than {from}", MoveTimeout, cancellationToken);
        _watch.TakeLongestGap();
        await CrashServiceAsync(from, cancellationToken);
        return ((await down).At, await moved, _watch.TakeLongestGap());
    }

    /// <summary>Kills the active's agent alone (SIGKILL); its service, bound to it, dies with it. The fault is the kill.</summary>
    private async Task<(DateTimeOffset FaultAt, PortSample Moved, TimeSpan Gap)> KillAgentAsync(BenchmarkNode from, CancellationToken cancellationToken)
    {
        var moved = _watch.NextAsync(s => s.Answering.Any(n => n != from), $"the service answers on a node other than {from}", MoveTimeout, cancellationToken);
        _watch.TakeLongestGap();
        var faultAt = _time.GetUtcNow();
        await from.Agent!.KillAloneAsync();
        return (faultAt, await moved, _watch.TakeLongestGap());
    }

    /// <summary>Asks for a switchover to the best standby. The fault is the request being sent.</summary>
    private async Task<(DateTimeOffset FaultAt, PortSample Moved, TimeSpan Gap)> SwitchOverAsync(BenchmarkNode from, CancellationToken cancellationToken)
    {
        var moved = _watch.NextAsync(s => s.Answering.Any(n => n != from), $"the service answers on a node other than {from}", MoveTimeout, cancellationToken);
        _watch.TakeLongestGap();
        var faultAt = _time.GetUtcNow();
        await _cluster.Api.SwitchoverAsync(_groupId, cancellationToken);
        return (faultAt, await moved, _watch.TakeLongestGap());
    }

    /// <summary>The test service exits 50 ms after it answers <c>POST /crash</c>.</summary>
    private static async Task CrashServiceAsync(BenchmarkNode node, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Service.PostAsync(new Uri($"http://127.0.0.1:{node.Port}/crash?code=9"), null, cancellationToken);
        }
        catch (HttpRequestException)
        {
            // It may die before the answer arrives; the port watch tells whether it went down.
        }
    }

    /// <summary>The completed transition of the given kind recorded after <paramref name="after"/>, and any other entries recorded since.</summary>
    private async Task<(HistoryEntry Entry, IReadOnlyList<HistoryEntry> Others)> TransitionAfterAsync(long after, string kind, CancellationToken cancellationToken)
    {
        IReadOnlyList<HistoryEntry> recent = [];
        await Waiting.UntilAsync(
            async token => (recent = [.. (await _cluster.Api.HistoryAsync(_groupId, token)).Where(e => e.Id > after)]).Any(e => e.Kind == kind && e.Outcome == "Completed"),
            () => $"a completed {kind} is in the history (entries since the fault: {string.Join("; ", recent.Select(e => $"{e.Kind} {e.Outcome}: {e.Reason}"))})",
            TimeSpan.FromSeconds(30),
            _time,
            cancellationToken);
        var entry = recent.Where(e => e.Kind == kind && e.Outcome == "Completed").MinBy(e => e.Id)!;
        return (entry, [.. recent.Where(e => e != entry)]);
    }

    /// <summary>What an operator reading the trial should know: the history disagreeing with the ports, or other transitions meanwhile.</summary>
    private List<string> Notes(HistoryEntry entry, BenchmarkNode answered, IReadOnlyList<HistoryEntry> others)
    {
        string NameOf(Guid nodeId) => _cluster.Nodes.FirstOrDefault(n => n.Id == nodeId)?.Name ?? nodeId.ToString();
        var notes = new List<string>();
        if (entry.ToNodeId != answered.Id)
        {
            notes.Add($"the history moved it to {NameOf(entry.ToNodeId)}, the port answered on {answered.Name}");
        }

        if (entry.Overlap)
        {
            notes.Add("the history reports an overlap");
        }

        notes.AddRange(others.Select(o => $"also {o.Kind} {o.Outcome} to {NameOf(o.ToNodeId)}: {o.Reason}"));
        return notes;
    }
}
