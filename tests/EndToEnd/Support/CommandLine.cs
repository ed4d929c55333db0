using System.Diagnostics;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>Runs a tool that ends by itself (a build script, msiinfo, PowerShell) and gives its output.</summary>
public static class CommandLine
{
    /// <summary>The standard output of <paramref name="command"/>; throws with both outputs when it exits with an error.</summary>
    public static async Task<string> RunAsync(string command, IReadOnlyList<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }

        return await output;
    }
}
