using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Metrics;

/// <summary>Host metrics on Windows, from kernel32 (no performance counters needed).</summary>
[SupportedOSPlatform("windows")]
public sealed partial class WindowsHostMetricsReader : IHostMetricsReader
{
    private CpuTimes _previous = ReadCpuTimes();

    public HostMetrics Read()
    {
        var current = ReadCpuTimes();
        var cpu = current.BusyPercentSince(_previous);
        _previous = current;
        var memory = new MemoryStatus { Length = (uint)Marshal.SizeOf<MemoryStatus>() };
        if (!GlobalMemoryStatusEx(ref memory))
        {
            throw new InvalidOperationException($"GlobalMemoryStatusEx failed with error {Marshal.GetLastPInvokeError()}.");
        }

        return new HostMetrics
        {
            CpuPercent = cpu,
            MemoryTotalBytes = (long)memory.TotalPhysical,
            MemoryAvailableBytes = (long)Math.Min(memory.AvailablePhysical, memory.TotalPhysical),
            UptimeSeconds = (long)(GetTickCount64() / 1000),
        };
    }

    /// <summary>Kernel time includes idle time, so busy = kernel + user - idle.</summary>
    private static CpuTimes ReadCpuTimes()
    {
        if (!GetSystemTimes(out var idle, out var kernel, out var user))
        {
            throw new InvalidOperationException($"GetSystemTimes failed with error {Marshal.GetLastPInvokeError()}.");
        }

        var total = kernel + user;
        return new CpuTimes(total - Math.Min(idle, total), total);
    }

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetSystemTimes(out ulong idleTime, out ulong kernelTime, out ulong userTime);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GlobalMemoryStatusEx(ref MemoryStatus buffer);

    [LibraryImport("kernel32.dll")]
    private static partial ulong GetTickCount64();

    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryStatus
    {
        public uint Length;
        public uint MemoryLoad;
        public ulong TotalPhysical;
        public ulong AvailablePhysical;
        public ulong TotalPageFile;
        public ulong AvailablePageFile;
        public ulong TotalVirtual;
        public ulong AvailableVirtual;
        public ulong AvailableExtendedVirtual;
    }
}
