using System.Diagnostics;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// Everything needed to start a process-kind service. <see cref="BoundToAgent"/>: the process must not
/// outlive the agent (a failover-group member with isolation Stop, which only the agent can fence).
/// <see cref="RunAs"/>: the Windows account to start it under, its password still protected; the agent's own when null.
/// </summary>
public sealed record ProcessLaunch(
    string Executable,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    string StandardOutputLog,
    string StandardErrorLog,
    bool BoundToAgent = false,
    RunAsAccount? RunAs = null);

/// <summary>
/// Starts processes with their output going straight to log files (so a service can outlive the
/// agent without losing its output), and asks them to stop. One implementation per operating system.
/// </summary>
public interface IProcessLauncher
{
    /// <summary>How this operating system writes references to environment variables; the definition's text is expanded by it.</summary>
    ReferenceSyntax References { get; }

    Process Start(ProcessLaunch launch);

    /// <summary>Asks the process to stop by itself: SIGTERM on Unix, Ctrl+C on Windows. False when it could not be asked.</summary>
    bool RequestStop(int processId);

    /// <summary>Kills the process and every process it started: its job on Windows, the children the kernel links to it elsewhere.</summary>
    void KillTree(Process process);

    /// <summary>Suspends or resumes the process; false when the operating system offers no way.</summary>
    bool Suspend(int processId, bool suspend);
}
