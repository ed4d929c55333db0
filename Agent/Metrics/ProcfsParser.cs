using System.Globalization;

namespace Vigil.Agent.Metrics;

/// <summary>Reads the Linux /proc files the agent needs. Pure: it takes their text.</summary>
public static class ProcfsParser
{
    /// <summary>The aggregate <c>cpu</c> line of /proc/stat: idle and iowait are idle, the rest (but guest time, already in user) busy.</summary>
    public static CpuTimes ParseCpuTimes(string procStat)
    {
        var line = procStat.AsSpan();
        var end = line.IndexOf('\n');
        line = end >= 0 ? line[..end] : line;
        var fields = line.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu")
        {
            throw new FormatException("The first line of /proc/stat is not the aggregate cpu line.");
        }

        ulong total = 0;
        ulong idle = 0;
        // user nice system idle iowait irq softirq steal [guest guest_nice]
        var counted = Math.Min(fields.Length - 1, 8);
        for (var i = 1; i <= counted; i++)
        {
            var value = ulong.Parse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture);
            total += value;
            if (i is 4 or 5)
            {
                idle += value;
            }
        }

        return new CpuTimes(total - idle, total);
    }

    /// <summary>MemTotal and MemAvailable from /proc/meminfo, in bytes.</summary>
    public static (long TotalBytes, long AvailableBytes) ParseMemory(string procMeminfo)
    {
        long? total = null;
        long? available = null;
        foreach (var line in procMeminfo.Split('\n'))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = KilobytesOf(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = KilobytesOf(line);
            }
        }

        if (total is null || available is null)
        {
            throw new FormatException("/proc/meminfo lacks MemTotal or MemAvailable.");
        }

        return (total.Value * 1024, Math.Min(available.Value, total.Value) * 1024);
    }

    /// <summary>Whole seconds since boot, from the first number of /proc/uptime.</summary>
    public static long ParseUptimeSeconds(string procUptime)
    {
        var fields = procUptime.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
        {
            throw new FormatException("/proc/uptime does not start with the seconds since boot.");
        }

        return (long)seconds;
    }

    /// <summary>
    /// CPU ticks (utime + stime), thread count and resident pages of one process, from
    /// /proc/&lt;pid&gt;/stat. The command name in parentheses may hold spaces and parentheses, so the
    /// fields are counted from the last ')'.
    /// </summary>
    public static ProcessStat ParseProcessStat(string procPidStat)
    {
        var close = procPidStat.LastIndexOf(')');
        var fields = close >= 0 ? procPidStat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        // After the name: state(3) ppid(4) ... utime(14) stime(15) ... num_threads(20) ... rss(24); index = field - 3.
        if (fields.Length < 22
            || !ulong.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var utime)
            || !ulong.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var stime)
            || !int.TryParse(fields[17], NumberStyles.None, CultureInfo.InvariantCulture, out var threads)
            || !long.TryParse(fields[21], NumberStyles.None, CultureInfo.InvariantCulture, out var residentPages))
        {
            throw new FormatException("/proc/<pid>/stat does not have the expected fields.");
        }

        return new ProcessStat(utime + stime, threads, residentPages);
    }

    private static long KilobytesOf(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes)
            ? kilobytes
            : throw new FormatException($"/proc/meminfo has an unreadable line: '{line.Trim()}'.");
    }
}

/// <summary>What the agent reads of one process from /proc/&lt;pid&gt;/stat.</summary>
public readonly record struct ProcessStat(ulong CpuTicks, int Threads, long ResidentPages);
