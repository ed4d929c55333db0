using Vigil.Shared.Messages;

namespace Vigil.Agent.Metrics;

/// <summary>Where neither /proc nor kernel32 exists: memory from the runtime, no CPU figure.</summary>
public sealed class PortableHostMetricsReader : IHostMetricsReader
{
    public HostMetrics Read()
    {
        var total = Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        return new HostMetrics
        {
            CpuPercent = 0,
            MemoryTotalBytes = total,
            MemoryAvailableBytes = total,
            UptimeSeconds = Environment.TickCount64 / 1000,
        };
    }
}
