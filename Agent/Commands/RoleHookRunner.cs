using System.Diagnostics;
using System.Text;
using Vigil.Shared.Roles;

namespace Vigil.Agent.Commands;

/// <summary>Runs an activation or deactivation hook with a timeout; the process tree is killed when it takes too long.</summary>
public sealed class RoleHookRunner(TimeProvider time)
{
    private const int OutputKept = 1024;

    /// <summary>Null when the hook succeeded (or there is none), else why it failed, with the start of its output.</summary>
    public async Task<string?> RunAsync(IReadOnlyList<string> hook, string role, RoleGrant grant, string service, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (hook.Count == 0)
        {
            return null;
        }

        var start = new ProcessStartInfo(hook[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in hook.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["VIGIL_ROLE"] = role;
        start.Environment["VIGIL_GROUP"] = grant.GroupName;
        start.Environment["VIGIL_GROUP_ID"] = grant.GroupId.ToString();
        start.Environment["VIGIL_EPOCH"] = grant.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["VIGIL_SERVICE"] = service;

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{role} hook '{hook[0]}' could not start: {exception.Message}";
        }

        using (process)
        {
            var output = new StringBuilder();
            var reading = Task.WhenAll(ReadAsync(process.StandardOutput, output), ReadAsync(process.StandardError, output));
            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, time, cancellationToken);
                await reading.WaitAsync(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                return $"{role} hook '{hook[0]}' did not finish within {timeout}; killed";
            }
            catch (OperationCanceledException)
            {
                // The command's deadline or the agent's stop: the hook does not outlive it.
                process.Kill(entireProcessTree: true);
                throw;
            }

            return process.ExitCode == 0 ? null : $"{role} hook '{hook[0]}' exited with code {process.ExitCode}: {Kept(output)}";
        }
    }

    private static string Kept(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString().Trim();
            return text.Length <= OutputKept ? text : text[..OutputKept];
        }
    }

    private static async Task ReadAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                if (output.Length < OutputKept)
                {
                    output.AppendLine(line);
                }
            }
        }
    }
}
