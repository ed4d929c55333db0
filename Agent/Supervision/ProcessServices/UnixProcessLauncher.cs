using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// Starts the executable through <c>/bin/sh</c>, which opens the log files in append mode and then
/// replaces itself with the executable (<c>exec</c>): the process keeps its pid and writes to its
/// files directly. Arguments travel as positional parameters, never through shell parsing. The
/// process gets a session of its own (<c>setsid</c>, without a fork, so the pid stays), so that a
/// Ctrl+C or a signal to the agent's process group does not reach it: it outlives the agent.
/// A process bound to the agent instead gets SIGKILL when the agent dies (<c>setpriv --pdeathsig</c>).
/// The kernel sends that signal when the *thread* that forked the process ends, so every process is
/// started from one thread that lives as long as the agent.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class UnixProcessLauncher : IProcessLauncher
{
    // setsid (util-linux) does not fork here (the shell is no group leader), so the pid stays; where
    // it is missing the process keeps the agent's session.
    private const string Script =
        "out=$1; err=$2; bound=$3; shift 3; " +
        "if [ \"$bound\" = 1 ]; then set -- setpriv --pdeathsig KILL -- \"$@\"; fi; " +
        "if command -v setsid >/dev/null 2>&1; then set -- setsid \"$@\"; fi; exec \"$@\" </dev/null >>\"$out\" 2>>\"$err\"";
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly LauncherThread _thread = new();

    public ReferenceSyntax References => ReferenceSyntax.Unix;

    public Process Start(ProcessLaunch launch) => launch.RunAs is null
        ? _thread.Run(() => StartHere(launch))
        : throw new Runtime.ServiceOperationException("a run-as account is supported on Windows nodes only", key: "RunAs");

    private static Process StartHere(ProcessLaunch launch)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory,
        };
        foreach (var argument in (string[])["-c", Script, "vigil-launch", launch.StandardOutputLog, launch.StandardErrorLog, launch.BoundToAgent ? "1" : "0", launch.Executable, .. launch.Arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The process did not start.");
    }

    public bool RequestStop(int processId) => Kill(processId, SigTerm) == 0;

    public void KillTree(Process process) => process.Kill(entireProcessTree: true);

    public bool Suspend(int processId, bool suspend) => Kill(processId, suspend ? SigStop : SigCont) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int processId, int signal);
}
