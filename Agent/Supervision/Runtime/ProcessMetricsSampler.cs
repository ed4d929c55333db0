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

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            var cpu = process.TotalProcessorTime;
            var now = time.GetTimestamp();
            double? percent = null;
            if (_processId == pid)
            {
                var wall = time.GetElapsedTime(_sampledAt, now);
                percent = wall > TimeSpan.Zero ? Math.Max(0, 100 * (cpu - _cpu).TotalSeconds / wall.TotalSeconds) : null;
            }

            (_processId, _cpu, _sampledAt) = (pid, cpu, now);
            return report with
            {
                CpuPercent = percent is { } p ? Math.Round(p, 1) : null,
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
}
