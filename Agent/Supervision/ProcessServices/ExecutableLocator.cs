using System.Diagnostics;
namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>Finds a process-kind service's executable: a path as given, or a bare name on the PATH.</summary>
public static class ExecutableLocator
{
    /// <summary>The full path of the executable, or null when it cannot be found.</summary>
    public static string? Find(string executable, string workingDirectory)
    {
        if (Path.IsPathRooted(executable) || executable.Contains(Path.DirectorySeparatorChar) || executable.Contains(Path.AltDirectorySeparatorChar))
        {
            var path = Path.GetFullPath(executable, workingDirectory);
            return File.Exists(path) ? path : null;
        }

        var extensions = OperatingSystem.IsWindows() ? ["", ".exe", ".cmd", ".bat"] : new[] { "" };
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(folder, executable + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
