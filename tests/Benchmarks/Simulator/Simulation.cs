using System.Diagnostics;

namespace Vigil.Benchmarks.Simulator;

/// <summary>Connects the agents over the ramp, lets them warm up, then measures for the duration.</summary>
public sealed class Simulation(SimulatorSettings settings)
{
    private const int ConnectConcurrency = 64;

    public SimulationCounters Counters { get; } = new();

    public async Task<SimulationResult> RunAsync(CancellationToken cancellationToken)
    {
        var agents = Enumerable.Range(1, settings.Agents).Select(n => new SimulatedAgent(n, settings, Counters)).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = new List<Task>(agents.Count);
        var progress = ProgressReport.RunAsync(Counters, settings.ServerPid, TimeSpan.FromSeconds(5), stop.Token);
        try
        {
            await ConnectAllAsync(agents, heartbeats, stop.Token);
            Console.WriteLine($"{Counters.RegisteredAgents} agents registered ({Counters.RegistrationFailures} failed); warming up {settings.Warmup.TotalSeconds:0} s");
            await Task.Delay(settings.Warmup, stop.Token);

            var serverBefore = settings.ServerPid is { } pid ? ProcessSample.Read(pid) : null;
            var selfBefore = ProcessSample.Read(Environment.ProcessId);
            var machineBefore = MachineSample.Read();
            var disconnectsBefore = Counters.Disconnects;
            var window = Stopwatch.StartNew();
            Counters.Measuring = true;
            var stoppedEarly = false;
            try
            {
                await Task.Delay(settings.Duration, stop.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                stoppedEarly = true; // Ctrl+C while measuring: report what was measured so far.
            }

            Counters.Measuring = false;
            var measured = window.Elapsed;
            var serverAfter = settings.ServerPid is { } same ? ProcessSample.Read(same) : null;
            var selfAfter = ProcessSample.Read(Environment.ProcessId);
            var machineAfter = MachineSample.Read();
            var alive = await ControlPlaneView.CountAliveAsync(settings.Urls, CancellationToken.None);

            return new SimulationResult(
                settings,
                Counters,
                measured,
                stoppedEarly,
                Counters.Disconnects - disconnectsBefore,
                serverBefore is { } sb && serverAfter is { } sa ? sa.CpuPercentSince(sb) : null,
                serverAfter?.PeakRssBytes,
                serverAfter?.RssBytes,
                selfBefore is { } b && selfAfter is { } a ? a.CpuPercentSince(b) : null,
                machineBefore is { } mb && machineAfter is { } ma ? ma.CpuPercentSince(mb) : null,
                alive);
        }
        finally
        {
            await stop.CancelAsync();
            await progress;
            await Task.WhenAll(heartbeats.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            await Task.WhenAll(agents.Select(a => a.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Connects with bounded concurrency, paced so the last agent connects at the end of the ramp.</summary>
    private async Task ConnectAllAsync(List<SimulatedAgent> agents, List<Task> heartbeats, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(ConnectConcurrency);
        var started = DateTime.UtcNow;
        var connecting = new List<Task>(agents.Count);
        for (var i = 0; i < agents.Count; i++)
        {
            var due = started + (settings.Ramp * i / agents.Count);
            if (due > DateTime.UtcNow)
            {
                await Task.Delay(due - DateTime.UtcNow, cancellationToken);
            }

            await gate.WaitAsync(cancellationToken);
            var agent = agents[i];
            connecting.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        if (await agent.ConnectAsync(cancellationToken))
                        {
                            lock (heartbeats)
                            {
                                heartbeats.Add(agent.HeartbeatAsync(cancellationToken));
                            }
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(connecting);
    }
}
