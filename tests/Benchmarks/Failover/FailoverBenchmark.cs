using System.Globalization;

namespace Vigil.Benchmarks.Failover;

/// <summary>
/// <c>Vigil.Benchmarks failover</c>: for each scenario a fresh cluster and group, its trials in turn
/// (each printed as it ends), and the figures at the end. A trial that fails is recorded and the next
/// one starts once the group has settled; a group that does not settle again ends its scenario. The
/// first Ctrl+C stops at once and still reports what was measured; everything started is ended and
/// its folder deleted, whatever happens.
/// </summary>
public static class FailoverBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        FailoverSettings settings;
        try
        {
            settings = FailoverSettings.Parse(args);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            await Console.Error.WriteLineAsync(FailoverSettings.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C ends the run and still reports; a second one ends the process at once.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };

        Console.WriteLine($"Failover benchmark: {settings.Trials} trials each of {string.Join(", ", settings.Scenarios.Select(FailoverSettings.NameOf))}.");
        Console.WriteLine($"Conditions: {FailoverReport.Conditions}.");
        Console.WriteLine($"Service: {FailoverReport.ServiceOf(settings)}.");
        Console.WriteLine($"Timing: {FailoverReport.TimingOf(settings)}.");
        Console.WriteLine($"Clusters: {FailoverReport.ClustersOf(settings)}.");
        var run = new Run(settings, TimeProvider.System, MachineLoad());
        try
        {
            foreach (var scenario in settings.Scenarios)
            {
                var trials = Enumerable.Range(1, settings.Trials).ToList();
                if (scenario == FailoverScenario.NodeLost && settings.NodeLostOnFreshClusters)
                {
                    foreach (var trial in trials)
                    {
                        await run.OnFreshClusterAsync(scenario, [trial], restartKilledAgents: false, cancel.Token);
                    }
                }
                else
                {
                    await run.OnFreshClusterAsync(scenario, trials, restartKilledAgents: true, cancel.Token);
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped by Ctrl+C; reporting the trials completed.");
        }

        var report = run.Report(stoppedEarly: cancel.IsCancellationRequested, MachineLoad());
        Console.WriteLine(report.ToTable());
        if (settings.Output is { } output)
        {
            await File.WriteAllTextAsync(output, report.ToJson(), CancellationToken.None);
            Console.WriteLine($"JSON written to {output}");
        }

        return cancel.IsCancellationRequested ? 130 : run.Failures.Count > 0 || report.Scenarios.Any(s => s.OverlapTrials > 0) ? 1 : 0;
    }

    /// <summary>The load averages (1, 5, 15 min) from /proc/loadavg: how busy the machine was besides the benchmark.</summary>
    private static string? MachineLoad() =>
        OperatingSystem.IsLinux() && File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    /// <summary>What the run has measured so far, across its clusters.</summary>
    private sealed class Run(FailoverSettings settings, TimeProvider time, string? loadBefore)
    {
        private long _samples;
        private int _overlapsOutsideTrials;
        private int _clusters;

        public List<TrialResult> Results { get; } = [];

        public List<TrialFailure> Failures { get; } = [];

        /// <summary>Runs the trials on a new cluster; a cluster that does not start or a group that does not settle ends them.</summary>
        public async Task OnFreshClusterAsync(FailoverScenario scenario, List<int> trialNumbers, bool restartKilledAgents, CancellationToken cancellationToken)
        {
            var name = FailoverSettings.NameOf(scenario);
            var logs = settings.Logs is { } folder ? Path.Combine(folder, trialNumbers.Count == 1 ? $"{name}-{trialNumbers[0]:00}" : name) : null;
            var done = 0;
            FailoverTrials? trials = null;
            try
            {
                trials = await FailoverTrials.StartAsync(settings.Service, settings.Profile, time, cancellationToken);
                _clusters++;
                foreach (var trial in trialNumbers)
                {
                    TrialResult result;
                    try
                    {
                        result = await trials.RunAsync(scenario, trial, restartKilledAgents, cancellationToken);
                    }
                    catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or HttpRequestException)
                    {
                        Failures.Add(new TrialFailure(scenario, trial, exception.Message));
                        Console.WriteLine($"{name} #{trial} failed: {exception.Message}");
                        done++;
                        await trials.SettleAsync(restartKilledAgents, cancellationToken);
                        continue;
                    }

                    Results.Add(result);
                    Console.WriteLine(Describe(result));
                    done++;
                    if (!result.Settled)
                    {
                        throw new TimeoutException($"after #{trial}: {result.Notes[^1]}");
                    }
                }
            }
            catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or HttpRequestException or IOException)
            {
                var left = trialNumbers.Skip(done).ToList();
                var message = trials is null ? $"the cluster did not start: {exception.Message}" : $"the group did not settle again: {exception.Message}";
                if (left.Count > 0)
                {
                    Failures.Add(new TrialFailure(scenario, left[0], $"{left.Count} trial(s) from #{left[0]} not run: {message}"));
                }

                Console.WriteLine($"{name}: {left.Count} trial(s) not run: {message}");
            }
            finally
            {
                if (trials is not null)
                {
                    _samples += trials.Samples;
                    _overlapsOutsideTrials += trials.OverlapsOutsideTrials;
                    if (logs is not null)
                    {
                        await trials.Cluster.SaveOutputAsync(logs);
                    }

                    await trials.DisposeAsync();
                }
            }
        }

        public FailoverReport Report(bool stoppedEarly, string? loadAfter) =>
            new(settings, Results, Failures, _clusters, _samples, _overlapsOutsideTrials, stoppedEarly, loadBefore, loadAfter);

        private static string Describe(TrialResult result)
        {
            var history = result.HistoryRtoMs?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
            var notes = result.Notes.Count > 0 ? $" ({string.Join("; ", result.Notes)})" : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"{FailoverSettings.NameOf(result.Scenario)} #{result.Trial}: {result.From} -> {result.To}, detection {result.DetectionMs:0} ms, RTO {result.RtoMs:0} ms, history rtoMs {history}, longest sample gap {result.LongestSampleGapMs:0} ms, overlap samples {result.OverlapSamples}{notes}");
        }
    }
}
