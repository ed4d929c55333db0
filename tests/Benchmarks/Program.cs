using Vigil.Benchmarks.Alerts;
using Vigil.Benchmarks.Failover;
using Vigil.Benchmarks.Fleet;
using Vigil.Benchmarks.Heartbeats;
using Vigil.Benchmarks.Simulator;

if (args is ["failover", .. var failoverArgs])
{
    return await FailoverBenchmark.RunAsync(failoverArgs);
}

if (args is ["fleet-db", .. var fleetArgs])
{
    return await FleetDatabaseBenchmark.RunAsync(fleetArgs);
}

if (args is ["heartbeat-path", .. var pathArgs])
{
    return HeartbeatPathBenchmark.Run(pathArgs);
}

if (args is ["dashboards", .. var dashboardArgs])
{
    return await Vigil.Benchmarks.Dashboards.DashboardBenchmark.RunAsync(dashboardArgs);
}

if (args is ["alerts", .. var alertArgs])
{
    return await AlertBenchmark.RunAsync(alertArgs);
}

SimulatorSettings settings;
try
{
    settings = SimulatorSettings.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(SimulatorSettings.Usage);
    return 2;
}

FileLimit.WarnIfTooLow(settings.Agents);
ThreadPool.SetMinThreads(Math.Max(Environment.ProcessorCount * 4, 64), 64);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the run and still reports; a second one ends the process at once.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};

// SIGTERM ends the run the same way: a script's background job ignores SIGINT.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
});

Console.WriteLine($"Simulating {settings.Agents} agents against {string.Join(", ", settings.Urls)} every {settings.Interval.TotalMilliseconds:0} ms: ramp {settings.Ramp.TotalSeconds:0} s, warm-up {settings.Warmup.TotalSeconds:0} s, measure {settings.Duration.TotalSeconds:0} s");
try
{
    var result = await new Simulation(settings).RunAsync(cancel.Token);
    Console.WriteLine(result.ToTable());
    if (result.StoppedEarly)
    {
        Console.Error.WriteLine("Stopped before the end of the measurement window; the figures cover the part measured.");
    }

    if (settings.Output is { } output)
    {
        await File.WriteAllTextAsync(output, result.ToJson());
    }

    return result.StoppedEarly ? 130 : 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Stopped before the measurement ended.");
    return 130;
}
