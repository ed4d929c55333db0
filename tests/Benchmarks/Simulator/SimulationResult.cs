using System.Globalization;
using System.Text.Json;

namespace Vigil.Benchmarks.Simulator;

/// <summary>The figures of one run, as a table and as JSON.</summary>
public sealed record SimulationResult(
    SimulatorSettings Settings,
    SimulationCounters Counters,
    TimeSpan Measured,
    bool StoppedEarly,
    long DisconnectsWhileMeasuring,
    double? ServerCpuPercent,
    long? ServerPeakRssBytes,
    long? ServerRssBytes,
    double? SimulatorCpuPercent,
    double? MachineCpuPercent,
    long? AliveOnControlPlane)
{
    public double TargetPerSecond => Counters.RegisteredAgents / Settings.Interval.TotalSeconds;

    public double AchievedPerSecond => Counters.AcknowledgedHeartbeats / Math.Max(0.001, Measured.TotalSeconds);

    public string ToTable()
    {
        var latency = Counters.Latency;
        return string.Create(CultureInfo.InvariantCulture, $"""

            measured                 {Measured.TotalSeconds:0.0} s{(StoppedEarly ? " (stopped early by Ctrl+C)" : "")}
            agents registered        {Counters.RegisteredAgents} of {Settings.Agents} ({Counters.RegistrationFailures} failed)
            heartbeats/s             {AchievedPerSecond:0.0} achieved of {TargetPerSecond:0.0} target ({100 * AchievedPerSecond / Math.Max(1, TargetPerSecond):0.0} %)
            ack latency              p50 {Ms(latency.Quantile(0.50))}  p99 {Ms(latency.Quantile(0.99))}  max {Ms(latency.Max)}
            failed heartbeats        {Counters.FailedHeartbeats} errors, {Counters.TimedOutHeartbeats} timed out (> {Settings.CallTimeout.TotalSeconds:0} s)
            disconnects (measuring)  {DisconnectsWhileMeasuring}{Rehoming()}
            Alive (control plane)    {AliveOnControlPlane?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}
            server CPU               {Percent(ServerCpuPercent)} of one core
            server memory            peak {Mb(ServerPeakRssBytes)}, now {Mb(ServerRssBytes)}
            simulator CPU            {Percent(SimulatorCpuPercent)} of one core
            machine CPU              {Percent(MachineCpuPercent)} of one core, {Environment.ProcessorCount} cores{Elsewhere()}
            last error               {Counters.LastError ?? "none"}
            """);
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        agents = Settings.Agents,
        registered = Counters.RegisteredAgents,
        registrationFailures = Counters.RegistrationFailures,
        intervalMs = Settings.Interval.TotalMilliseconds,
        measuredSeconds = Measured.TotalSeconds,
        stoppedEarly = StoppedEarly,
        protocol = Settings.Json ? "json" : "messagepack",
        targetPerSecond = TargetPerSecond,
        achievedPerSecond = AchievedPerSecond,
        latencyP50Ms = Counters.Latency.Quantile(0.5).TotalMilliseconds,
        latencyP99Ms = Counters.Latency.Quantile(0.99).TotalMilliseconds,
        latencyMaxMs = Counters.Latency.Max.TotalMilliseconds,
        failedHeartbeats = Counters.FailedHeartbeats,
        timedOutHeartbeats = Counters.TimedOutHeartbeats,
        disconnects = DisconnectsWhileMeasuring,
        serverCpuPercent = ServerCpuPercent,
        serverPeakRssBytes = ServerPeakRssBytes,
        serverRssBytes = ServerRssBytes,
        simulatorCpuPercent = SimulatorCpuPercent,
        machineCpuPercent = MachineCpuPercent,
        processorCount = Environment.ProcessorCount,
        aliveOnControlPlane = AliveOnControlPlane,
        rehomed = Counters.Rehoming.Count,
        rehomedP50Ms = Counters.Rehoming.Quantile(0.5).TotalMilliseconds,
        rehomedP99Ms = Counters.Rehoming.Quantile(0.99).TotalMilliseconds,
        rehomedMaxMs = Counters.Rehoming.Max.TotalMilliseconds,
        heartbeatsMissedWhileAway = Counters.HeartbeatsMissedWhileAway,
    });

    private string Rehoming() => Settings.Rehome
        ? string.Create(CultureInfo.InvariantCulture, $"""

            re-homed (whole run)     {Counters.Rehoming.Count} times: p50 {Ms(Counters.Rehoming.Quantile(0.50))}  p99 {Ms(Counters.Rehoming.Quantile(0.99))}  max {Ms(Counters.Rehoming.Max)}
            heartbeats missed away   {Counters.HeartbeatsMissedWhileAway} (not sent between connections, whole run)
            """)
        : "";

    /// <summary>CPU used by neither the server nor the simulator: kernel work, other processes.</summary>
    private string Elsewhere() => MachineCpuPercent - ServerCpuPercent - SimulatorCpuPercent is { } other
        ? string.Create(CultureInfo.InvariantCulture, $" ({other:0} % neither server nor simulator: kernel, other processes)")
        : "";

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.0} ms");

    private static string Percent(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0} %") : "n/a (no --server-pid)";

    private static string Mb(long? bytes) => bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:0} MB") : "n/a";
}
