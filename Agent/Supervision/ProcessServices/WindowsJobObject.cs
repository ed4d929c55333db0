using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// A Windows job object holding one launched process and every process it starts, so that the
/// whole tree can be ended at once (<see cref="Terminate"/>). With <c>killOnClose</c> the tree also
/// ends when the job's last handle closes, which is when the agent that holds it exits or dies.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed partial class WindowsJobObject : IDisposable
{
    private const int BasicAccountingInformationClass = 1;
    private const int ExtendedLimitInformationClass = 9;
    private const uint LimitKillOnJobClose = 0x00002000;
    private readonly SafeJobHandle _handle;

    private WindowsJobObject(SafeJobHandle handle) => _handle = handle;

    /// <summary>A new, unnamed job; its handle is not inherited by the processes the agent starts.</summary>
    public static WindowsJobObject Create(bool killOnClose)
    {
        var handle = CreateJobObjectW(IntPtr.Zero, null);
        if (handle.IsInvalid)
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError());
        }

        var job = new WindowsJobObject(handle);
        if (killOnClose)
        {
            var limits = new ExtendedLimitInformation { LimitFlags = LimitKillOnJobClose };
            if (!SetInformationJobObject(handle, ExtendedLimitInformationClass, ref limits, (uint)Marshal.SizeOf<ExtendedLimitInformation>()))
            {
                var error = Marshal.GetLastPInvokeError();
                job.Dispose();
                throw new System.ComponentModel.Win32Exception(error);
            }
        }

        return job;
    }

    /// <summary>Puts the process in the job; its children started afterwards are in it too.</summary>
    public void Assign(IntPtr process)
    {
        if (!AssignProcessToJobObject(_handle, process))
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Ends every process in the job; false when Windows refused.</summary>
    public bool Terminate(uint exitCode) => TerminateJobObject(_handle, exitCode);

    /// <summary>Whether a process still runs in the job; true when Windows cannot tell, so that the job is kept.</summary>
    public bool HasActiveProcesses()
    {
        var accounting = default(BasicAccountingInformation);
        return !QueryInformationJobObject(_handle, BasicAccountingInformationClass, ref accounting, (uint)Marshal.SizeOf<BasicAccountingInformation>(), IntPtr.Zero)
            || accounting.ActiveProcesses > 0;
    }

    public void Dispose() => _handle.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct BasicAccountingInformation
    {
        public long TotalUserTime;
        public long TotalKernelTime;
        public long ThisPeriodTotalUserTime;
        public long ThisPeriodTotalKernelTime;
        public uint TotalPageFaultCount;
        public uint TotalProcesses;
        public uint ActiveProcesses;
        public uint TotalTerminatedProcesses;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ExtendedLimitInformation
    {
        public long PerProcessUserTimeLimit;
        public long PerJobUserTimeLimit;
        public uint LimitFlags;
        public nuint MinimumWorkingSetSize;
        public nuint MaximumWorkingSetSize;
        public uint ActiveProcessLimit;
        public nuint Affinity;
        public uint PriorityClass;
        public uint SchedulingClass;
        public ulong ReadOperationCount;
        public ulong WriteOperationCount;
        public ulong OtherOperationCount;
        public ulong ReadTransferCount;
        public ulong WriteTransferCount;
        public ulong OtherTransferCount;
        public nuint ProcessMemoryLimit;
        public nuint JobMemoryLimit;
        public nuint PeakProcessMemoryUsed;
        public nuint PeakJobMemoryUsed;
    }

    private sealed class SafeJobHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
    {
        protected override bool ReleaseHandle() => CloseHandle(handle);
    }

    [LibraryImport("kernel32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial SafeJobHandle CreateJobObjectW(IntPtr jobAttributes, string? name);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetInformationJobObject(SafeJobHandle job, int informationClass, ref ExtendedLimitInformation information, uint length);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool QueryInformationJobObject(SafeJobHandle job, int informationClass, ref BasicAccountingInformation information, uint length, IntPtr returnLength);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool AssignProcessToJobObject(SafeJobHandle job, IntPtr process);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool TerminateJobObject(SafeJobHandle job, uint exitCode);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(IntPtr handle);
}
