using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// Starts the executable with CreateProcess, its standard output and error being log files opened
/// for appending and inherited by the process, so it writes there directly and can outlive the
/// agent. A graceful stop sends Ctrl+C to the process's console (<see cref="ConsoleCtrlC"/>); that
/// works when the agent itself has no console (running as a service); otherwise the stop falls back to a kill.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed partial class WindowsProcessLauncher(IConsoleControl console) : IProcessLauncher
{
    private const uint CreateUnicodeEnvironment = 0x00000400;
    private const uint CreateNoWindow = 0x08000000;
    private const int StartfUseStdHandles = 0x00000100;
    private const uint FileAppendData = 0x0004;
    private const uint Synchronize = 0x00100000;
    private const uint GenericRead = 0x80000000;
    private const uint ShareAll = 0x7;
    private const uint OpenAlways = 4;
    private const uint OpenExisting = 3;

    public WindowsProcessLauncher()
        : this(new WindowsConsole())
    {
    }

    public Process Start(ProcessLaunch launch)
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
        var commandLine = (WindowsCommandLine.Join(launch.Executable, launch.Arguments) + "\0").ToCharArray();
        var environment = EnvironmentBlock(launch.Environment);
        if (!CreateProcessW(launch.Executable, commandLine, IntPtr.Zero, IntPtr.Zero, inheritHandles: true,
                CreateUnicodeEnvironment | CreateNoWindow, environment, launch.WorkingDirectory, ref startup, out var created))
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError());
        }

        try
        {
            // Opened while CreateProcess's own handle still pins the process, so the id cannot be recycled in between.
            return Process.GetProcessById(created.ProcessId);
        }
        finally
        {
            CloseHandle(created.Process);
            CloseHandle(created.Thread);
        }
    }

    public bool RequestStop(int processId) => ConsoleCtrlC.RequestStop(console, processId);

    public bool Suspend(int processId, bool suspend) => false;

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

    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern SafeFileHandle CreateFileW(
        string fileName, uint access, uint share, ref SecurityAttributes security, uint disposition, uint flags, IntPtr template);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(IntPtr handle);
}
