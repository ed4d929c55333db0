using System.Diagnostics;

namespace Vigil.Agent.Installation;

/// <summary>
/// Waits until no other process runs this agent executable, so that the installer can replace or
/// remove its files. Windows Installer waits for the service to stop; Wine's does not, and a
/// running executable's files cannot be deleted.
/// </summary>
public static class AgentProcessExit
{
    public static async Task<bool> WaitAsync(TimeSpan timeout)
    {
        var own = Environment.ProcessPath;
        using var cancel = new CancellationTokenSource(timeout);
        foreach (var process in Process.GetProcessesByName(Path.GetFileNameWithoutExtension(own)))
        {
            using (process)
            {
                if (process.Id == Environment.ProcessId || !SameExecutable(process, own))
                {
                    continue;
                }

                try
                {
                    await process.WaitForExitAsync(cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool SameExecutable(Process process, string? own)
    {
        try
        {
            return string.Equals(process.MainModule?.FileName, own, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
