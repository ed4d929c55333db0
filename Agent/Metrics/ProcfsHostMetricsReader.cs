using Vigil.Shared.Messages;

namespace Vigil.Agent.Metrics;

/// <summary>Host metrics on Linux, from /proc.</summary>
public sealed class ProcfsHostMetricsReader : IHostMetricsReader
{
    private CpuTimes _previous = ReadCpuTimes();

    public HostMetrics Read()
    {
        var current = ReadCpuTimes();
        var cpu = current.BusyPercentSince(_previous);
        _previous = current;
        var (total, available) = ProcfsParser.ParseMemory(File.ReadAllText("/proc/meminfo"));
        return new HostMetrics
        {
            CpuPercent = cpu,
            MemoryTotalBytes = total,
            MemoryAvailableBytes = available,
            UptimeSeconds = ProcfsParser.ParseUptimeSeconds(File.ReadAllText("/proc/uptime")),
        };
    }

    private static CpuTimes ReadCpuTimes() => ProcfsParser.ParseCpuTimes(File.ReadAllText("/proc/stat"));
}
