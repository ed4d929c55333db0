using System.Diagnostics;
using System.Text;
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

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(definition.Timeout);
        var output = new CommandOutput(process.StandardOutput, deadline.Token);
        var errors = new CommandOutput(process.StandardError, deadline.Token);
        try
        {
            try
            {
                // Waits for the command only: a child it left in the background may keep its output open for long after.
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                KillTree(process);
                return ProbeResult.Fail($"did not finish within {definition.Timeout.TotalSeconds:0.###} s");
            }

            var text = await output.FirstLine ?? await errors.FirstLine;
            var detail = text is null ? $"exit code {process.ExitCode}" : $"exit code {process.ExitCode}: {text}";
            return process.ExitCode == 0 ? ProbeResult.Pass(detail) : ProbeResult.Fail(detail);
        }
        finally
        {
            await deadline.CancelAsync();
            await Task.WhenAll(output.Drained, errors.Drained);
        }
    }

    private static void KillTree(System.Diagnostics.Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It exited meanwhile.
        }
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

    /// <summary>
    /// One output of the command, read to its end so that the command never blocks on a full pipe.
    /// Its first line is known as soon as it is complete, or when the output ends or the deadline passes.
    /// </summary>
    private sealed class CommandOutput
    {
        private readonly TaskCompletionSource<string?> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StringBuilder _start = new();

        public CommandOutput(StreamReader reader, CancellationToken deadline) => Drained = DrainAsync(reader, deadline);

        public Task<string?> FirstLine => _firstLine.Task;

        /// <summary>Ends at the end of the output or at the deadline; never fails.</summary>
        public Task Drained { get; }

        private async Task DrainAsync(StreamReader reader, CancellationToken deadline)
        {
            var buffer = new char[1024];
            try
            {
                int read;
                while ((read = await reader.ReadAsync(buffer, deadline).AsTask().WaitAsync(deadline)) > 0)
                {
                    if (!_firstLine.Task.IsCompleted)
                    {
                        _start.Append(buffer, 0, read);
                        if (buffer.AsSpan(0, read).Contains('\n') || _start.Length >= OutputLimit)
                        {
                            _firstLine.TrySetResult(CommandProbe.FirstLine(_start.ToString()));
                        }
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The deadline passed, or the output closed under the read: what was read is all there is.
            }
            finally
            {
                _firstLine.TrySetResult(CommandProbe.FirstLine(_start.ToString()));
            }
        }
    }
}
