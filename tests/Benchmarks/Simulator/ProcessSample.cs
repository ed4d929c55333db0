using System.Globalization;

namespace Vigil.Benchmarks.Simulator;

/// <summary>CPU time and memory of a process, read from Linux /proc.</summary>
public readonly record struct ProcessSample(TimeSpan CpuTime, long RssBytes, long PeakRssBytes, DateTime TakenAt)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static ProcessSample? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var jiffies = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0;
            long peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line) * 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line) * 1024;
                }
            }

            return new ProcessSample(TimeSpan.FromSeconds(jiffies / TicksPerSecond), rss, peak, DateTime.UtcNow);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>CPU use between two samples, in percent of one core.</summary>
    public double CpuPercentSince(ProcessSample earlier) =>
        100 * (CpuTime - earlier.CpuTime).TotalSeconds / (TakenAt - earlier.TakenAt).TotalSeconds;

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
