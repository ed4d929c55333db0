using System.Diagnostics;
using System.Globalization;

namespace Vigil.Benchmarks.Simulator;

/// <summary>
/// Busy CPU time of the whole machine, from the first line of Linux /proc/stat. Compared with the
/// server's and the simulator's own CPU, it shows what else ran during the measurement.
/// </summary>
public readonly record struct MachineSample(TimeSpan BusyTime, long TakenAt)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static MachineSample? Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            for (var i = 1; i < Math.Min(fields.Length, 9); i++)
            {
                // user nice system idle iowait irq softirq steal: everything but idle (4) and iowait (5).
                busy += i is 4 or 5 ? 0 : long.Parse(fields[i], CultureInfo.InvariantCulture);
            }

            return new MachineSample(TimeSpan.FromSeconds(busy / TicksPerSecond), Stopwatch.GetTimestamp());
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Busy CPU between two samples, in percent of one core (200 % = two cores busy).</summary>
    public double CpuPercentSince(MachineSample earlier) =>
        100 * (BusyTime - earlier.BusyTime).TotalSeconds / Stopwatch.GetElapsedTime(earlier.TakenAt, TakenAt).TotalSeconds;
}
