namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>The console calls a Ctrl+C stop is made of; <see cref="WindowsConsole"/> on Windows, a fake in tests.</summary>
public interface IConsoleControl
{
    /// <summary>Attaches the agent to the console of the process; false when it cannot (the agent has a console of its own, or the process has none).</summary>
    bool Attach(int processId);

    /// <summary>
    /// From now on the agent itself swallows Ctrl+C and Ctrl+Break, with a handler of its own. Not the
    /// "ignore Ctrl+C" flag: that one is inherited by every process the agent starts afterwards.
    /// </summary>
    void SwallowCtrlC();

    /// <summary>Sends Ctrl+C to every process attached to the console, the agent included; it arrives a little later, on a thread of its own.</summary>
    bool SendCtrlC();

    void Detach();
}

/// <summary>
/// Asks a process to stop with Ctrl+C on its console, as WinSW does, without stopping the agent:
/// the agent, attached to that console while it sends, receives the Ctrl+C too, and later than the
/// send returns. So it swallows Ctrl+C for good before the first send; it only ever attaches to a
/// console when it has none of its own (running as a Windows service), where Ctrl+C means nothing
/// to it.
/// </summary>
public static class ConsoleCtrlC
{
    private static readonly Lock Gate = new();

    public static bool RequestStop(IConsoleControl console, int processId)
    {
        lock (Gate)
        {
            if (!console.Attach(processId))
            {
                return false;
            }

            try
            {
                console.SwallowCtrlC();
                return console.SendCtrlC();
            }
            finally
            {
                console.Detach();
            }
        }
    }
}
