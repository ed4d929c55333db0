using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>The kernel32 console calls of a Ctrl+C stop.</summary>
[SupportedOSPlatform("windows")]
public sealed partial class WindowsConsole : IConsoleControl
{
    private const uint CtrlCEvent = 0;
    private const uint CtrlBreakEvent = 1;
    private static int _swallowing;

    public bool Attach(int processId) => AttachConsole(processId);

    public unsafe void SwallowCtrlC()
    {
        if (Interlocked.Exchange(ref _swallowing, 1) == 0)
        {
            SetConsoleCtrlHandler((IntPtr)(delegate* unmanaged<uint, int>)&Swallow, add: true);
        }
    }

    public bool SendCtrlC() => GenerateConsoleCtrlEvent(CtrlCEvent, 0);

    public void Detach() => FreeConsole();

    /// <summary>Handled (1) for Ctrl+C and Ctrl+Break, so that no handler after it ends the agent; other events go on.</summary>
    [UnmanagedCallersOnly]
    private static int Swallow(uint controlType) => controlType is CtrlCEvent or CtrlBreakEvent ? 1 : 0;

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool AttachConsole(int processId);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool FreeConsole();

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetConsoleCtrlHandler(IntPtr handler, [MarshalAs(UnmanagedType.Bool)] bool add);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GenerateConsoleCtrlEvent(uint controlEvent, uint processGroupId);
}
