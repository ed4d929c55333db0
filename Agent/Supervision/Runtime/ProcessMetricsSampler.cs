using Vigil.Agent.Metrics;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Supervision.Runtime;

/// <summary>CPU, working set, threads (and handles on Windows) of a service's process, from the portable Process API.</summary>
public sealed class ProcessMetricsSampler(TimeProvider time)
{
    private int? _processId;
    private TimeSpan _cpu;
    private long _sampledAt;

    /// <summary>Adds the process figures to a report; CPU is measured since the previous sample of the same process.</summary>
    public ServiceReport AddTo(ServiceReport report, int? processId)
    {
        if (processId is not { } pid)
        {
            _processId = null;
            return report;
        }

        if (OperatingSystem.IsLinux())
        {
            return AddFromProcfs(report, pid);
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return report with
            {
                CpuPercent = CpuPercentSince(pid, process.TotalProcessorTime),
                WorkingSetBytes = process.WorkingSet64,
                ThreadCount = process.Threads.Count,
                HandleCount = OperatingSystem.IsWindows() ? process.HandleCount : null,
            };
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            _processId = null;
            return report;
        }
    }

    /// <summary>
    /// Linux: one read of /proc/&lt;pid&gt;/stat. The Process API would read several files and one
    /// more per thread on every heartbeat, which dominated the agent's idle CPU.
    /// </summary>
    private ServiceReport AddFromProcfs(ServiceReport report, int pid)
    {
        ProcessStat stat;
        try
        {
            stat = ProcfsParser.ParseProcessStat(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            _processId = null;
            return report;
        }

        return report with
        {
            CpuPercent = CpuPercentSince(pid, TimeSpan.FromSeconds((double)stat.CpuTicks / TicksPerSecond)),
            WorkingSetBytes = stat.ResidentPages * Environment.SystemPageSize,
            ThreadCount = stat.Threads,
        };
    }

    /// <summary>USER_HZ: 100 on every Linux the agent supports (the kernel ABI fixes it for /proc).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU % of one core since the previous sample of the same process (none for the first sample), remembering this one.</summary>
    private double? CpuPercentSince(int pid, TimeSpan cpu)
    {
        var now = time.GetTimestamp();
        double? percent = null;
        if (_processId == pid)
        {
            var wall = time.GetElapsedTime(_sampledAt, now);
            percent = wall > TimeSpan.Zero ? Math.Round(Math.Max(0, 100 * (cpu - _cpu).TotalSeconds / wall.TotalSeconds), 1) : null;
        }

        (_processId, _cpu, _sampledAt) = (pid, cpu, now);
        return percent;
    }
}
