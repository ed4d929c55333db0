using System.Diagnostics;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Supervision.Probes;

/// <summary>
/// Runs a command: healthy when it exits with code 0 within the timeout. A command without
/// arguments is script text, run by PowerShell on Windows and by sh elsewhere; with arguments it is
/// an executable run directly.
/// </summary>
public sealed class CommandProbe(ProbeDefinition definition) : IProbe
{
    private const int OutputLimit = 200;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        using var process = new System.Diagnostics.Process { StartInfo = StartInfo() };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return ProbeResult.Fail($"could not run '{definition.Command}': {exception.Message}");
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(definition.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return ProbeResult.Fail($"did not finish within {definition.Timeout.TotalSeconds:0.###} s");
        }

        var text = FirstLine(await output) ?? FirstLine(await errors);
        var detail = text is null ? $"exit code {process.ExitCode}" : $"exit code {process.ExitCode}: {text}";
        return process.ExitCode == 0 ? ProbeResult.Pass(detail) : ProbeResult.Fail(detail);
    }

    private ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
        if (definition.Arguments.Count > 0)
        {
            start.FileName = definition.Command!;
            definition.Arguments.ForEach(start.ArgumentList.Add);
        }
        else if (OperatingSystem.IsWindows())
        {
            start.FileName = "powershell.exe";
            foreach (var argument in (string[])["-NoProfile", "-NonInteractive", "-Command", definition.Command!])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = "/bin/sh";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(definition.Command!);
        }

        return start;
    }

    private static string? FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0];
        return string.IsNullOrWhiteSpace(line) ? null : PrintableText.Of(line, OutputLimit);
    }
}
