using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// Starts the executable with CreateProcess, its standard output and error being log files opened
/// for appending and inherited by the process, so it writes there directly and can outlive the
/// agent. A graceful stop sends Ctrl+C to the process's console (<see cref="ConsoleCtrlC"/>); that
/// works when the agent itself has no console (running as a service); otherwise the stop falls back to a kill.
/// <para>
/// Every process starts suspended, goes into a job object of its own (<see cref="WindowsJobObject"/>)
/// and only then runs, so none of its children can escape the job: a kill ends the whole tree. The
/// job of a process bound to the agent kills its tree when the agent exits or dies; the others' jobs
/// let them outlive the agent. Where the job cannot be had (the agent runs in a job that forbids
/// nesting), the process runs without one, with a warning.
/// </para>
/// <para>
/// A process with a run-as account starts with CreateProcessAsUser under a token of that account
/// (<see cref="IAccountLogon"/>), in a window station and desktop of its logon session (the agent's are not
/// open to it), and otherwise as any other: suspended, in its job, with the same output files.
/// </para>
/// </summary>
[SupportedOSPlatform("windows")]
public sealed partial class WindowsProcessLauncher(IConsoleControl console, IAccountLogon logon, ILogger logger) : IProcessLauncher
{
    private const uint CreateSuspended = 0x00000004;
    private const uint CreateUnicodeEnvironment = 0x00000400;
    private const uint CreateNoWindow = 0x08000000;
    private const int StartfUseStdHandles = 0x00000100;
    private const uint FileAppendData = 0x0004;
    private const uint Synchronize = 0x00100000;
    private const uint GenericRead = 0x80000000;
    private const uint ShareAll = 0x7;
    private const uint OpenAlways = 4;
    private const uint OpenExisting = 3;

    private readonly ILogger _logger = logger;
    private static readonly Lock InheritableHandles = new();
    private readonly Lock _gate = new();

    /// <summary>The jobs of the processes this agent started, by process id, while anything in them runs.</summary>
    private readonly Dictionary<int, ProcessTree> _trees = [];

    public WindowsProcessLauncher(ILogger logger)
        : this(new WindowsConsole(), new WindowsAccountLogon(), logger)
    {
    }

    public ReferenceSyntax References => ReferenceSyntax.Windows;

    public Process Start(ProcessLaunch launch)
    {
        ProcessInformation created;
        var account = AccountOf(launch.RunAs);
        using (var token = account is null ? null : logon.LogOn(account, launch.RunAs!.Password is { } stored ? RunAsPassword.Unprotect(stored) : null))
        {
            created = CreateSuspendedProcess(launch, account, token);
        }

        ForgetEndedTrees();
        var handle = new SafeProcessHandle(created.Process, ownsHandle: true);
        var job = Contain(handle, created.ProcessId, launch);
        try
        {
            if (ResumeThread(created.Thread) == uint.MaxValue)
            {
                var error = Marshal.GetLastPInvokeError();
                TerminateProcess(handle, 1);
                throw new System.ComponentModel.Win32Exception(error);
            }

            // Opened while CreateProcess's own handle still pins the process, so the id cannot be recycled in between.
            var process = Process.GetProcessById(created.ProcessId);
            if (job is not null)
            {
                lock (_gate)
                {
                    _trees[created.ProcessId] = new ProcessTree(handle, job);
                }
            }
            else
            {
                handle.Dispose();
            }

            return process;
        }
        catch
        {
            job?.Dispose();
            handle.Dispose();
            throw;
        }
        finally
        {
            CloseHandle(created.Thread);
        }
    }

    /// <summary>
    /// Creates the process, suspended, with its output files as its standard handles. A process created
    /// with handle inheritance inherits every inheritable handle open in the agent at that moment, so
    /// two launches at once (a service and another's hook) would each keep the other's output files
    /// open for their lifetime: the inheritable handles live only inside this lock.
    /// </summary>
    private static ProcessInformation CreateSuspendedProcess(ProcessLaunch launch, RunAsIdentity? account, SafeAccessTokenHandle? token)
    {
        var commandLine = (WindowsCommandLine.Join(launch.Executable, launch.Arguments) + "\0").ToCharArray();
        var environment = EnvironmentBlock(launch.Environment);
        lock (InheritableHandles)
        {
            using var output = OpenForAppend(launch.StandardOutputLog);
            using var errors = OpenForAppend(launch.StandardErrorLog);
            using var input = OpenInheritable("NUL", GenericRead, OpenExisting);
            var startup = new StartupInfo
            {
                Size = Marshal.SizeOf<StartupInfo>(),
                Flags = StartfUseStdHandles,
                StandardInput = input.DangerousGetHandle(),
                StandardOutput = output.DangerousGetHandle(),
                StandardError = errors.DangerousGetHandle(),
            };
            const uint flags = CreateSuspended | CreateUnicodeEnvironment | CreateNoWindow;
            if (account is null || token is null)
            {
                return CreateProcessW(launch.Executable, commandLine, IntPtr.Zero, IntPtr.Zero, inheritHandles: true, flags, environment, launch.WorkingDirectory, ref startup, out var created)
                    ? created
                    : throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError());
            }

            // An empty desktop name: Windows gives the process the window station and desktop of its own logon session.
            var ownDesktop = Marshal.StringToHGlobalUni("");
            try
            {
                startup.Desktop = ownDesktop;
                if (CreateProcessAsUserW(token, launch.Executable, commandLine, IntPtr.Zero, IntPtr.Zero, inheritHandles: true, flags, environment, launch.WorkingDirectory, ref startup, out var created))
                {
                    return created;
                }

                var code = Marshal.GetLastPInvokeError();
                throw new ServiceOperationException(LogonRefusal.DescribeStart(launch.Executable, account, code, Marshal.GetPInvokeErrorMessage(code)), key: "RunAs:User");
            }
            finally
            {
                Marshal.FreeHGlobal(ownDesktop);
            }
        }
    }

    /// <summary>The account to log on; null to start the process as the agent (no account, or LocalSystem, the agent's own).</summary>
    private static RunAsIdentity? AccountOf(RunAsAccount? runAs)
    {
        if (runAs is null)
        {
            return null;
        }

        var account = RunAsAccounts.Parse(runAs.User)
            ?? throw new ServiceOperationException($"the run-as account '{runAs.User}' is not an account name", key: "RunAs:User");
        return account.Kind == RunAsKind.LocalSystem ? null : account;
    }

    /// <summary>Ends the process's job, so its whole tree; a process without one (an earlier run of the agent started it) is killed with the children Windows still links to it.</summary>
    public void KillTree(Process process)
    {
        ForgetEndedTrees();
        ProcessTree? tree;
        lock (_gate)
        {
            _trees.Remove(process.Id, out tree);
        }

        using (tree)
        {
            if (tree?.Job.Terminate(1) == true)
            {
                return;
            }
        }

        process.Kill(entireProcessTree: true);
    }

    public bool RequestStop(int processId) => ConsoleCtrlC.RequestStop(console, processId);

    public bool Suspend(int processId, bool suspend) => false;

    private WindowsJobObject? Contain(SafeProcessHandle process, int processId, ProcessLaunch launch)
    {
        WindowsJobObject? job = null;
        try
        {
            job = WindowsJobObject.Create(killOnClose: launch.BoundToAgent);
            job.Assign(process.DangerousGetHandle());
            return job;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            job?.Dispose();
            if (launch.BoundToAgent)
            {
                LogNotContainedBound(processId, launch.Executable, exception.Message);
            }
            else
            {
                LogNotContained(processId, launch.Executable, exception.Message);
            }

            return null;
        }
    }

    /// <summary>Closes the jobs in which nothing runs any more (closing a job of a bound process would end what still ran in it).</summary>
    private void ForgetEndedTrees()
    {
        lock (_gate)
        {
            foreach (var (processId, tree) in _trees.Where(entry => !entry.Value.Job.HasActiveProcesses()).ToList())
            {
                _trees.Remove(processId);
                tree.Dispose();
            }
        }
    }

    private static SafeFileHandle OpenForAppend(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return OpenInheritable(path, FileAppendData | Synchronize, OpenAlways);
    }

    private static SafeFileHandle OpenInheritable(string path, uint access, uint disposition)
    {
        var security = new SecurityAttributes { Length = Marshal.SizeOf<SecurityAttributes>(), InheritHandle = 1 };
        var handle = CreateFileW(path, access, ShareAll, ref security, disposition, 0x80, IntPtr.Zero);
        return handle.IsInvalid ? throw new IOException($"cannot open '{path}': {Marshal.GetLastPInvokeErrorMessage()}") : handle;
    }

    /// <summary>The agent's environment with the service's variables on top, as CreateProcess expects it.</summary>
    private static string EnvironmentBlock(IReadOnlyDictionary<string, string> extra)
    {
        var variables = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        foreach (var (name, value) in extra)
        {
            variables[name] = value;
        }

        var block = new StringBuilder();
        foreach (var (name, value) in variables)
        {
            block.Append(name).Append('=').Append(value).Append('\0');
        }

        return block.Append('\0').ToString();
    }

    /// <summary>A launched process's job, and the process's handle, which keeps its id from being given to another process.</summary>
    private sealed record ProcessTree(SafeProcessHandle Process, WindowsJobObject Job) : IDisposable
    {
        public void Dispose()
        {
            Job.Dispose();
            Process.Dispose();
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SecurityAttributes
    {
        public int Length;
        public IntPtr SecurityDescriptor;
        public int InheritHandle;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct StartupInfo
    {
        public int Size;
        public IntPtr Reserved;
        public IntPtr Desktop;
        public IntPtr Title;
        public int X;
        public int Y;
        public int XSize;
        public int YSize;
        public int XCountChars;
        public int YCountChars;
        public int FillAttribute;
        public int Flags;
        public short ShowWindow;
        public short Reserved2;
        public IntPtr Reserved2Pointer;
        public IntPtr StandardInput;
        public IntPtr StandardOutput;
        public IntPtr StandardError;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ProcessInformation
    {
        public IntPtr Process;
        public IntPtr Thread;
        public int ProcessId;
        public int ThreadId;
    }

    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateProcessW(
        string applicationName, [In, Out] char[] commandLine, IntPtr processAttributes, IntPtr threadAttributes,
        [MarshalAs(UnmanagedType.Bool)] bool inheritHandles, uint creationFlags, string environment,
        string currentDirectory, ref StartupInfo startupInfo, out ProcessInformation processInformation);

    [DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateProcessAsUserW(
        SafeAccessTokenHandle token, string applicationName, [In, Out] char[] commandLine, IntPtr processAttributes, IntPtr threadAttributes,
        [MarshalAs(UnmanagedType.Bool)] bool inheritHandles, uint creationFlags, string environment,
        string currentDirectory, ref StartupInfo startupInfo, out ProcessInformation processInformation);

    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern SafeFileHandle CreateFileW(
        string fileName, uint access, uint share, ref SecurityAttributes security, uint disposition, uint flags, IntPtr template);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(IntPtr handle);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    private static partial uint ResumeThread(IntPtr thread);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool TerminateProcess(SafeProcessHandle process, uint exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Process {ProcessId} ({Executable}) runs outside a job object: {Reason}. A stop that times out kills it and the children Windows still links to it, not any orphaned grandchildren")]
    private partial void LogNotContained(int processId, string executable, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Process {ProcessId} ({Executable}) is a member with isolation Stop but runs outside a job object: {Reason}. If the agent dies, it keeps running and nothing fences it; run the agent outside a job that forbids nested jobs")]
    private partial void LogNotContainedBound(int processId, string executable, string reason);
}
