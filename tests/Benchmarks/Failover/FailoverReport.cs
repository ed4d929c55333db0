using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Benchmarks.Failover;

/// <summary>The trials of a run summarised per scenario (nearest-rank percentiles), as a table and as JSON.</summary>
public sealed record FailoverReport(
    FailoverSettings Settings,
    IReadOnlyList<TrialResult> Trials,
    IReadOnlyList<TrialFailure> Failures,
    int Clusters,
    long Samples,
    int OverlapsOutsideTrials,
    bool StoppedEarly,
    string? LoadBefore,
    string? LoadAfter)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public const string Conditions =
        "3 nodes on this machine (real control plane, SQLite, and agents, Release); group policy cooldownSeconds 0 and maxFailovers 100 " +
        "(the defaults, 60 s between automatic failovers and 3 per hour, would stall a benchmark); everything else default " +
        "but the timing below: 1 local restart in 5 min; ports probed by TCP connect every 10 ms";

    public static string TimingOf(FailoverSettings settings) => settings.Profile == BenchmarkProfile.Fast
        ? "Failover:Profile Fast: lease 1.5 s, fence allowance 0.5 s, agents heartbeat every 0.5 s (--profile fast)"
        : "Failover:Profile Standard: lease 3 s, fence allowance 1 s, agents heartbeat every 1 s";

    public static string ServiceOf(FailoverSettings settings) => settings.Service == BenchmarkService.Fast
        ? "fast-service.py under python3 -S as web, listening about 50 ms after its start (--service fast)"
        : "the .NET test service as web, listening about 1 s after its start";

    public static string ClustersOf(FailoverSettings settings) => settings.NodeLostOnFreshClusters
        ? "a fresh cluster per scenario, except node-lost: a fresh cluster per trial, the killed agent not started again (--node-lost-fresh-clusters)"
        : "a fresh cluster per scenario; a killed agent is started again with its data folder (the same node) and waited for before the next trial";

    /// <summary>The longest time between two port samples within any trial's measurement.</summary>
    public double LongestSampleGapMs => Trials.Select(t => t.LongestSampleGapMs).DefaultIfEmpty(0).Max();

    public IEnumerable<ScenarioFigures> Scenarios => Settings.Scenarios.Select(scenario => new ScenarioFigures(
        scenario,
        [.. Trials.Where(t => t.Scenario == scenario)],
        Failures.Count(f => f.Scenario == scenario)));

    public string ToTable()
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{Environment.NewLine}Failover: {Conditions}.");
        table.AppendLine(CultureInfo.InvariantCulture, $"Service: {ServiceOf(Settings)}.");
        table.AppendLine(CultureInfo.InvariantCulture, $"Timing: {TimingOf(Settings)}.");
        table.AppendLine(CultureInfo.InvariantCulture, $"Clusters: {ClustersOf(Settings)}.");
        table.AppendLine("Detection = history detectedAt (switchover: decidedAt) - fault; RTO = fault -> first sample with another member's port answering.");
        table.AppendLine();
        table.AppendLine("scenario     ok/trials  detection ms p50 / p99 / max    RTO ms p50 / p99 / max          history rtoMs p50 / max  overlaps");
        foreach (var figures in Scenarios)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"{FailoverSettings.NameOf(figures.Scenario),-12} {$"{figures.Trials.Count}/{Settings.Trials}",-10} "
                + $"{Triple(figures.Detection),-32} {Triple(figures.Rto),-31} {Pair(figures.HistoryRto),-24} {figures.OverlapTrials}");
        }

        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture,
            $"{Clusters} cluster(s); port samples {Samples}, longest gap between two within a measurement {LongestSampleGapMs:0} ms; overlapping samples outside trials {OverlapsOutsideTrials}{(StoppedEarly ? "; stopped early by Ctrl+C" : "")}");
        table.AppendLine(CultureInfo.InvariantCulture,
            $"machine: {Environment.ProcessorCount} processors; load average (1/5/15 min) {LoadBefore ?? "n/a"} at the start, {LoadAfter ?? "n/a"} at the end");
        foreach (var failure in Failures)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"failed: {FailoverSettings.NameOf(failure.Scenario)} #{failure.Trial}: {failure.Message}");
        }

        return table.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        conditions = Conditions,
        policy = new { cooldownSeconds = FailoverSettings.CooldownSeconds, maxFailovers = FailoverSettings.MaxFailovers },
        service = ServiceOf(Settings),
        timing = TimingOf(Settings),
        clusters = ClustersOf(Settings),
        trialsPerScenario = Settings.Trials,
        processorCount = Environment.ProcessorCount,
        loadAverageBefore = LoadBefore,
        loadAverageAfter = LoadAfter,
        clusterCount = Clusters,
        stoppedEarly = StoppedEarly,
        samples = Samples,
        longestSampleGapMs = LongestSampleGapMs,
        overlapsOutsideTrials = OverlapsOutsideTrials,
        scenarios = Scenarios.Select(s => new
        {
            scenario = FailoverSettings.NameOf(s.Scenario),
            completed = s.Trials.Count,
            failed = s.Failed,
            detectionMs = Json(s.Detection),
            rtoMs = Json(s.Rto),
            historyRtoMs = Json(s.HistoryRto),
            overlapTrials = s.OverlapTrials,
        }),
        trials = Trials.Select(t => new
        {
            scenario = FailoverSettings.NameOf(t.Scenario),
            trial = t.Trial,
            from = t.From,
            to = t.To,
            faultAt = t.FaultAt,
            detectionMs = t.DetectionMs,
            rtoMs = t.RtoMs,
            historyRtoMs = t.HistoryRtoMs,
            longestSampleGapMs = t.LongestSampleGapMs,
            overlapSamples = t.OverlapSamples,
            overlapMoments = t.OverlapMoments,
            reason = t.Reason,
            notes = t.Notes,
            settled = t.Settled,
        }),
        failures = Failures.Select(f => new { scenario = FailoverSettings.NameOf(f.Scenario), trial = f.Trial, message = f.Message }),
    }, Indented);

    private static object? Json(Percentiles? p) => p is { } v ? new { p50 = v.P50, p99 = v.P99, max = v.Max, min = v.Min } : null;

    private static string Triple(Percentiles? p) => p is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.P50:0} / {v.P99:0} / {v.Max:0}") : "n/a";

    private static string Pair(Percentiles? p) => p is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.P50:0} / {v.Max:0}") : "n/a";
}

/// <summary>One scenario's completed trials and their percentiles.</summary>
public sealed record ScenarioFigures(FailoverScenario Scenario, IReadOnlyList<TrialResult> Trials, int Failed)
{
    public Percentiles? Detection => Percentiles.Of(Trials.Select(t => t.DetectionMs));

    public Percentiles? Rto => Percentiles.Of(Trials.Select(t => t.RtoMs));

    public Percentiles? HistoryRto => Percentiles.Of(Trials.Where(t => t.HistoryRtoMs is not null).Select(t => (double)t.HistoryRtoMs!.Value));

    /// <summary>Trials in which two members' ports answered at the same moment.</summary>
    public int OverlapTrials => Trials.Count(t => t.OverlapSamples > 0);
}

/// <summary>Nearest-rank percentiles: the smallest value with at least p % of the values at or below it.</summary>
public sealed record Percentiles(double Min, double P50, double P99, double Max)
{
    public static Percentiles? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : new Percentiles(sorted[0], Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1]);
    }

    public static double Rank(double[] sorted, double p) => sorted[Math.Max(1, (int)Math.Ceiling(p * sorted.Length)) - 1];
}
