using System.Globalization;

namespace Vigil.Benchmarks.Simulator;

/// <summary>
/// One line every few seconds while the agents run: acknowledgements per second, the slowest
/// acknowledgement of the period, and the CPU of the server, the simulator and the whole machine,
/// so that a stall shows when it happens, and whether something else was running then.
/// </summary>
public static class ProgressReport
{
    public static async Task RunAsync(SimulationCounters counters, int? serverPid, TimeSpan period, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        var started = DateTime.UtcNow;
        var acknowledged = counters.AllAcknowledged;
        var before = Snapshot.Take(serverPid);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = counters.AllAcknowledged;
                var after = Snapshot.Take(serverPid);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""  {(DateTime.UtcNow - started).TotalSeconds,5:0} s {(now - acknowledged) / period.TotalSeconds,7:0} acks/s  slowest {counters.TakePeriodMaxLatency().TotalMilliseconds,6:0} ms  disconnects {counters.Disconnects}  CPU server {Percent(after.Server, before.Server)} simulator {Percent(after.Self, before.Self)} machine {Percent(after.Machine, before.Machine)}{(counters.Measuring ? "  measuring" : "")}"""));
                acknowledged = now;
                before = after;
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private static string Percent(ProcessSample? after, ProcessSample? before) =>
        after is { } a && before is { } b ? string.Create(CultureInfo.InvariantCulture, $"{a.CpuPercentSince(b),3:0}%") : "  -";

    private static string Percent(MachineSample? after, MachineSample? before) =>
        after is { } a && before is { } b ? string.Create(CultureInfo.InvariantCulture, $"{a.CpuPercentSince(b),3:0}%") : "  -";

    private readonly record struct Snapshot(ProcessSample? Server, ProcessSample? Self, MachineSample? Machine)
    {
        public static Snapshot Take(int? serverPid) => new(
            serverPid is { } pid ? ProcessSample.Read(pid) : null,
            ProcessSample.Read(Environment.ProcessId),
            MachineSample.Read());
    }
}
