using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Vigil.Agent.Supervision.WindowsServices;

/// <summary>The few service control manager calls <c>ServiceController</c> does not offer.</summary>
[SupportedOSPlatform("windows")]
internal static partial class ScmNative
{
    private const int ScStatusProcessInfo = 0;
    private const int ServiceQueryConfig = 0x0001;
    private const int ServiceChangeConfig = 0x0002;
    private const int ServiceQueryStatus = 0x0004;
    private const int ServiceStart = 0x0010;
    private const int ScManagerConnect = 0x0001;
    private const int ServiceConfigFailureActions = 2;

    /// <summary>SERVICE_STATUS_PROCESS: the state with its checkpoint, wait hint, exit codes and process id.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ServiceStatusProcess
    {
        public int ServiceType;
        public int CurrentState;
        public int ControlsAccepted;
        public int Win32ExitCode;
        public int ServiceSpecificExitCode;
        public int CheckPoint;
        public int WaitHint;
        public int ProcessId;
        public int ServiceFlags;
    }

    /// <summary>Queries state, checkpoint, wait hint, exit code and process id; null when the service cannot be queried.</summary>
    public static ServiceStatusProcess? QueryStatus(SafeHandle service)
    {
        var size = Marshal.SizeOf<ServiceStatusProcess>();
        var buffer = Marshal.AllocHGlobal(size);
        try
        {
            if (!QueryServiceStatusEx(service, ScStatusProcessInfo, buffer, size, out _))
            {
                return null;
            }

            return Marshal.PtrToStructure<ServiceStatusProcess>(buffer);
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    /// <summary>The account a service runs as (QueryServiceConfig), or null when the SCM does not say.</summary>
    public static string? QueryAccount(string serviceName)
    {
        using var manager = OpenSCManagerW(null, null, ScManagerConnect);
        if (manager.IsInvalid)
        {
            return null;
        }

        using var service = OpenServiceW(manager, serviceName, ServiceQueryConfig);
        if (service.IsInvalid)
        {
            return null;
        }

        QueryServiceConfigW(service, IntPtr.Zero, 0, out var needed);
        if (needed <= 0)
        {
            return null;
        }

        var buffer = Marshal.AllocHGlobal(needed);
        try
        {
            if (!QueryServiceConfigW(service, buffer, needed, out _))
            {
                return null;
            }

            // QUERY_SERVICE_CONFIG: lpServiceStartName is the 7th field, after 3 DWORDs and 3 pointers.
            var offset = (3 * sizeof(int)) + (3 * IntPtr.Size) + (IntPtr.Size == 8 ? 4 : 0) + IntPtr.Size;
            var account = Marshal.ReadIntPtr(buffer, offset);
            return account == IntPtr.Zero ? null : Marshal.PtrToStringUni(account);
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    /// <summary>
    /// Sets a service's recovery actions to "restart after <paramref name="delay"/>" three times,
    /// the failure count reset after a day. Returns the Win32 error, 0 on success.
    /// </summary>
    public static int SetRestartOnFailure(string serviceName, TimeSpan delay)
    {
        using var manager = OpenSCManagerW(null, null, ScManagerConnect);
        if (manager.IsInvalid)
        {
            return Marshal.GetLastPInvokeError();
        }

        // Restart actions require SERVICE_START besides SERVICE_CHANGE_CONFIG.
        using var service = OpenServiceW(manager, serviceName, ServiceChangeConfig | ServiceStart | ServiceQueryStatus);
        if (service.IsInvalid)
        {
            return Marshal.GetLastPInvokeError();
        }

        const int actionCount = 3;
        const int restart = 1;
        var actionSize = 2 * sizeof(int);
        var actions = Marshal.AllocHGlobal(actionSize * actionCount);
        var info = Marshal.AllocHGlobal((IntPtr.Size * 3) + (sizeof(int) * 2) + 8);
        try
        {
            for (var i = 0; i < actionCount; i++)
            {
                Marshal.WriteInt32(actions, i * actionSize, restart);
                Marshal.WriteInt32(actions, (i * actionSize) + sizeof(int), (int)delay.TotalMilliseconds);
            }

            // SERVICE_FAILURE_ACTIONSW { DWORD dwResetPeriod; LPWSTR lpRebootMsg; LPWSTR lpCommand; DWORD cActions; SC_ACTION* lpsaActions; }
            var offset = 0;
            Marshal.WriteInt32(info, offset, 86_400);
            offset += IntPtr.Size;
            Marshal.WriteIntPtr(info, offset, IntPtr.Zero);
            offset += IntPtr.Size;
            Marshal.WriteIntPtr(info, offset, IntPtr.Zero);
            offset += IntPtr.Size;
            Marshal.WriteInt32(info, offset, actionCount);
            offset += IntPtr.Size;
            Marshal.WriteIntPtr(info, offset, actions);
            return ChangeServiceConfig2W(service, ServiceConfigFailureActions, info) ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            Marshal.FreeHGlobal(info);
            Marshal.FreeHGlobal(actions);
        }
    }

    /// <summary>Sets the start type to Manual (demand start). Returns the Win32 error, 0 on success.</summary>
    public static int SetManualStart(string serviceName)
    {
        using var manager = OpenSCManagerW(null, null, ScManagerConnect);
        using var service = manager.IsInvalid ? null : OpenServiceW(manager, serviceName, ServiceChangeConfig);
        if (service is null || service.IsInvalid)
        {
            return Marshal.GetLastPInvokeError();
        }

        const int noChange = unchecked((int)0xFFFFFFFF);
        const int demandStart = 3;
        return ChangeServiceConfigW(service, noChange, demandStart, noChange, null, null, IntPtr.Zero, null, null, null, null)
            ? 0
            : Marshal.GetLastPInvokeError();
    }

    /// <summary>How many recovery actions the service has; null when they cannot be read.</summary>
    public static int? RecoveryActionCount(string serviceName)
    {
        using var manager = OpenSCManagerW(null, null, ScManagerConnect);
        using var service = manager.IsInvalid ? null : OpenServiceW(manager, serviceName, ServiceQueryConfig);
        if (service is null || service.IsInvalid)
        {
            return null;
        }

        QueryServiceConfig2W(service, ServiceConfigFailureActions, IntPtr.Zero, 0, out var needed);
        if (needed <= 0)
        {
            return null;
        }

        var buffer = Marshal.AllocHGlobal(needed);
        try
        {
            // SERVICE_FAILURE_ACTIONSW: cActions follows dwResetPeriod (padded to a pointer) and two pointers.
            return QueryServiceConfig2W(service, ServiceConfigFailureActions, buffer, needed, out _)
                ? Marshal.ReadInt32(buffer, 3 * IntPtr.Size)
                : null;
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    /// <summary>Removes the service's recovery actions. Returns the Win32 error, 0 on success.</summary>
    public static int ClearRecoveryActions(string serviceName)
    {
        using var manager = OpenSCManagerW(null, null, ScManagerConnect);
        using var service = manager.IsInvalid ? null : OpenServiceW(manager, serviceName, ServiceChangeConfig | ServiceStart | ServiceQueryStatus);
        if (service is null || service.IsInvalid)
        {
            return Marshal.GetLastPInvokeError();
        }

        // No actions, with a non-null action array: the service control manager deletes the reset period and the actions.
        var info = Marshal.AllocHGlobal((IntPtr.Size * 3) + (sizeof(int) * 2) + 8);
        var noActions = Marshal.AllocHGlobal(2 * sizeof(int));
        try
        {
            Marshal.WriteInt32(info, 0, 0);
            Marshal.WriteIntPtr(info, IntPtr.Size, IntPtr.Zero);
            Marshal.WriteIntPtr(info, 2 * IntPtr.Size, IntPtr.Zero);
            Marshal.WriteInt32(info, 3 * IntPtr.Size, 0);
            Marshal.WriteIntPtr(info, 4 * IntPtr.Size, noActions);
            return ChangeServiceConfig2W(service, ServiceConfigFailureActions, info) ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            Marshal.FreeHGlobal(noActions);
            Marshal.FreeHGlobal(info);
        }
    }

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool ChangeServiceConfigW(
        ServiceHandle service, int serviceType, int startType, int errorControl, string? binaryPath, string? loadOrderGroup,
        IntPtr tagId, string? dependencies, string? serviceStartName, string? password, string? displayName);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool QueryServiceConfig2W(ServiceHandle service, int infoLevel, IntPtr buffer, int bufferSize, out int bytesNeeded);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool QueryServiceStatusEx(SafeHandle service, int infoLevel, IntPtr buffer, int bufferSize, out int bytesNeeded);

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial ServiceHandle OpenSCManagerW(string? machineName, string? databaseName, int access);

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial ServiceHandle OpenServiceW(ServiceHandle manager, string serviceName, int access);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool QueryServiceConfigW(ServiceHandle service, IntPtr buffer, int bufferSize, out int bytesNeeded);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool ChangeServiceConfig2W(ServiceHandle service, int infoLevel, IntPtr info);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    internal static partial bool CloseServiceHandle(IntPtr handle);

    internal sealed class ServiceHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
    {
        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle() => CloseServiceHandle(handle);
    }
}
