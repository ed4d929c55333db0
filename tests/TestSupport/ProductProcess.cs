using System.Collections.Concurrent;
using System.Diagnostics;

namespace Vigil.TestSupport;

/// <summary>
/// A real process of the product (control plane or agent) started with <c>dotnet &lt;dll&gt;</c> from
/// its build output, or directly when it is a native executable (the agent's native Linux build). Output is kept in memory and in a log file for the failure message; the
/// process tree is killed on dispose, or at the end of the test run if a test crashes.
/// </summary>
public sealed class ProductProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;
    private int _disposed;

    static ProductProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            TryKill(process);
        }
    };

    private ProductProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join(Environment.NewLine, _output);

    public static ProductProcess Start(string name, string program, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        Start(name, program, environment, launcher: [], arguments);

    /// <param name="program">A <c>.dll</c> run by <c>dotnet</c>, or a native executable run as it is.</param>
    /// <param name="launcher">A command that runs the program in another context and then is it, e.g. <c>ip netns exec NAME</c>.</param>
    public static ProductProcess Start(string name, string program, IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> launcher, string[] arguments)
    {
        if (!File.Exists(program))
        {
            throw new FileNotFoundException($"{name} is not built: {program} is missing. Build the solution (or publish the native agent) first.", program);
        }

        string[] run = program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", program] : [program];
        string[] command = [.. launcher, .. run, .. arguments];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(program)!,
        };
        foreach (var word in command[1..])
        {
            start.ArgumentList.Add(word);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var product = new ProductProcess(name, process);
        process.OutputDataReceived += (_, line) => product.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => product.Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Running[process.Id] = process;
        return product;
    }

    /// <summary>Ends the process at once, as a crash or <c>kill -9</c> would.</summary>
    public async Task KillAsync()
    {
        TryKill(_process);
        await _process.WaitForExitAsync();
        Running.TryRemove(_process.Id, out _);
    }

    /// <summary>Ends only this process, as <c>kill -9</c> would: its children (services it launched) stay.</summary>
    public async Task KillAloneAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await _process.WaitForExitAsync();
        Running.TryRemove(_process.Id, out _);
    }

    /// <summary>Asks the process to stop (SIGTERM), as systemd or Ctrl+C would, and waits for it.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var code = await WaitForExitAsync(timeout);
        Running.TryRemove(_process.Id, out _);
        return code;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public bool OutputContains(string text) => _output.Any(line => line.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue($"[{Name}] {line}");
        while (_output.Count > 2000)
        {
            _output.TryDequeue(out _);
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
