using System.Diagnostics;
using System.Text.RegularExpressions;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// A throwaway Wine prefix with a persistent Wine server, and the agent and the test service
/// published for win-x64, so that tests run them as real Windows services under Wine's service
/// control manager. <c>VIGIL_WIN_X64_PUBLISH</c> may point at a folder with <c>agent/</c> and
/// <c>testservice/</c> published already (./test.sh does); otherwise they are published here.
/// </summary>
public sealed partial class WineHost : IAsyncLifetime
{
    private readonly string _root = RepositoryLayout.NewTemporaryDirectory("wine");

    public string Prefix => Path.Combine(_root, "prefix");

    /// <summary>The Linux folder behind the prefix's drive C:.</summary>
    public string DriveC => Path.Combine(Prefix, "drive_c");

    public string AgentExe { get; private set; } = "";

    public string TestServiceExe { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (!OnPath("wine") || !OnPath("wineserver"))
        {
            throw new InvalidOperationException("Wine is not installed: apt-get install -y wine wine64 (./test.sh installs it when missing).");
        }

        var published = Environment.GetEnvironmentVariable("VIGIL_WIN_X64_PUBLISH") is { Length: > 0 } given ? given : await PublishAsync();
        AgentExe = Path.Combine(published, "agent", "Vigil.Agent.exe");
        TestServiceExe = Path.Combine(published, "testservice", "Vigil.TestService.exe");

        // The prefix is created, then its Wine server is let go: services started while the prefix is
        // still being set up can meet a second service control manager and never get to run.
        Directory.CreateDirectory(Prefix);
        await RunAsync("wine", ["wineboot", "-i"], TimeSpan.FromMinutes(3));
        await RunAsync("wineserver", ["-w"], TimeSpan.FromMinutes(1));
        await RunAsync("wineserver", ["-p"], TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("wineserver", ["-k"], TimeSpan.FromSeconds(30), check: false);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A Wine process still closing a file: the test run's temporary folder goes anyway.
        }
    }

    /// <summary>The path a Windows program under Wine sees for a Linux path (drive Z: is the root).</summary>
    public static string WindowsPath(string path) => "Z:" + path.Replace('/', '\\');

    public Task CreateServiceAsync(string name, string exe, params string[] arguments) =>
        RunAsync("wine", ["sc.exe", "create", name, "binPath=", string.Join(' ', [WindowsPath(exe), .. arguments])], TimeSpan.FromMinutes(1));

    /// <summary>A service the service control manager starts at boot (start type Automatic).</summary>
    public Task CreateAutomaticServiceAsync(string name, string exe, params string[] arguments) =>
        RunAsync("wine", ["sc.exe", "create", name, "start=", "auto", "binPath=", string.Join(' ', [WindowsPath(exe), .. arguments])], TimeSpan.FromMinutes(1));

    /// <summary>The start type the service control manager keeps for a service: 2 Automatic, 3 Manual, 4 Disabled; null when unknown.</summary>
    public async Task<int?> StartTypeOfAsync(string name)
    {
        var output = await RunAsync("wine", ["reg.exe", "query", $@"HKLM\System\CurrentControlSet\Services\{name}", "/v", "Start"], TimeSpan.FromMinutes(1), check: false);
        return StartTypePattern().Match(output) is { Success: true } match ? Convert.ToInt32(match.Groups[1].Value, 16) : null;
    }

    /// <summary>Starts a service and waits until it runs; a start request that went unheard is repeated.</summary>
    public async Task StartServiceAsync(string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            await RunAsync("wine", ["sc.exe", "start", name], TimeSpan.FromMinutes(1), check: false);
            var asked = DateTime.UtcNow;
            while (DateTime.UtcNow - asked < TimeSpan.FromSeconds(10))
            {
                var state = await StateOfAsync(name);
                if (state == "RUNNING")
                {
                    return;
                }

                await Task.Delay(250);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The Windows service {name} did not start under Wine (state {await StateOfAsync(name)}).");
            }
        }
    }

    public async Task StopServiceAsync(string name)
    {
        await RunAsync("wine", ["sc.exe", "stop", name], TimeSpan.FromMinutes(1), check: false);
        await Eventually.HoldsAsync(async () => await StateOfAsync(name) == "STOPPED", $"the Windows service {name} is STOPPED", TimeSpan.FromSeconds(60));
    }

    public Task DeleteServiceAsync(string name) => RunAsync("wine", ["sc.exe", "delete", name], TimeSpan.FromMinutes(1), check: false);

    /// <summary>RUNNING, STOPPED, START_PENDING, ... as <c>sc query</c> prints it; null when the service is unknown.</summary>
    public async Task<string?> StateOfAsync(string name)
    {
        var output = await RunAsync("wine", ["sc.exe", "query", name], TimeSpan.FromMinutes(1), check: false);
        return StatePattern().Match(output) is { Success: true } match ? match.Groups[1].Value : null;
    }

    /// <summary>Whether a registry key exists, through Wine's reg.exe.</summary>
    public async Task<bool> RegistryKeyExistsAsync(string key)
    {
        var output = await RunAsync("wine", ["reg.exe", "query", key], TimeSpan.FromMinutes(1), check: false);
        return output.Contains(key.Split('\\')[^1], StringComparison.OrdinalIgnoreCase) && !output.Contains("Error", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Runs Wine's reg.exe with these arguments (add, export, ...); fails when it does.</summary>
    public Task RegAsync(params string[] arguments) => RunAsync("wine", ["reg.exe", .. arguments], TimeSpan.FromMinutes(1));

    /// <summary>The Linux ids of this prefix's Windows processes whose command line contains <paramref name="marker"/>.</summary>
    public IReadOnlyList<int> ProcessesRunning(string marker) =>
        [.. StrayProcesses.Mentioning(marker).Where(pid => InThisPrefix(pid))];

    /// <summary>Kills this prefix's processes whose command line contains <paramref name="marker"/> at once (SIGKILL), as a crash would; gives how many.</summary>
    public int KillHard(string marker)
    {
        var found = ProcessesRunning(marker);
        foreach (var pid in found)
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }

        return found.Count;
    }

    /// <summary>Runs <c>msiexec</c> with these arguments (a verbose log is added) and gives its exit code and the log.</summary>
    public async Task<(int ExitCode, string Log)> MsiexecAsync(params string[] arguments)
    {
        var log = Path.Combine(_root, $"msiexec-{Guid.NewGuid():N}.log");
        var (exitCode, _) = await RunForExitCodeAsync("wine", ["msiexec", .. arguments, "/l*v", WindowsPath(log)], TimeSpan.FromMinutes(3));
        return (exitCode, File.Exists(log) ? File.ReadAllText(log) : "");
    }

    private async Task<string> PublishAsync()
    {
        var output = Path.Combine(_root, "published");
        foreach (var (project, folder) in new[] { ("Agent/Vigil.Agent.csproj", "agent"), ("tests/TestService/Vigil.TestService.csproj", "testservice") })
        {
            await RunAsync(
                "dotnet",
                ["publish", Path.Combine(RepositoryLayout.Root, project), "-c", "Release", "-r", "win-x64", "--self-contained", "-o", Path.Combine(output, folder), "--nologo", "-v", "quiet"],
                TimeSpan.FromMinutes(10));
        }

        return output;
    }

    private async Task<string> RunAsync(string command, IReadOnlyList<string> arguments, TimeSpan timeout, bool check = true)
    {
        var (exitCode, text) = await RunForExitCodeAsync(command, arguments, timeout);
        if (check && exitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {exitCode}: {text}");
        }

        return text;
    }

    private async Task<(int ExitCode, string Output)> RunForExitCodeAsync(string command, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["WINEPREFIX"] = Prefix;
        start.Environment["WINEDEBUG"] = "-all";
        start.Environment.Remove("DISPLAY");
        // Wine's background processes (wineserver, services.exe) inherit the output pipes and keep
        // them open, so the output is taken line by line as it comes, never read to its end.
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            // Not WaitForExitAsync: with output read line by line it also waits for the pipes to close.
            while (!process.HasExited)
            {
                await Task.Delay(50, cancel.Token);
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        await Task.Delay(200);
        return (process.ExitCode, string.Join(Environment.NewLine, output));

        void Keep(string? line)
        {
            if (line is not null)
            {
                output.Enqueue(line);
            }
        }
    }

    private bool InThisPrefix(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains($"WINEPREFIX={Prefix}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, command)));

    [GeneratedRegex(@"STATE\s+:\s+\d+\s+(\w+)")]
    private static partial Regex StatePattern();

    [GeneratedRegex(@"Start\s+REG_DWORD\s+0x([0-9a-fA-F]+)")]
    private static partial Regex StartTypePattern();
}
