namespace Vigil.TestSupport;

/// <summary>Where the test service program is built, and how an agent's configuration runs it.</summary>
public static class TestServiceProgram
{
    public static string Dll => Path.Combine(RepositoryLayout.Root, "tests", "TestService", "bin", RepositoryLayout.Configuration, "net10.0", "Vigil.TestService.dll");

    /// <summary>The full path of the <c>dotnet</c> host found on the PATH, as a definition from the control plane must name it.</summary>
    public static string DotnetPath { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"))
        .First(File.Exists);

    /// <summary>A process-kind service definition (as configuration JSON) running the test service.</summary>
    public static Dictionary<string, object?> ProcessService(string name, int port, string stateFile, params string[] extraArguments) => new()
    {
        ["Name"] = name,
        ["Kind"] = "process",
        ["Executable"] = "dotnet",
        ["Arguments"] = (string[])[Dll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", name, "--state-file", stateFile, .. extraArguments],
        ["StopTimeout"] = "00:00:05",
    };

    /// <summary>The lines the test service wrote to its state file: "started pid time", "stopped pid time".</summary>
    public static IReadOnlyList<(string What, int ProcessId, DateTimeOffset At)> ReadState(string stateFile)
    {
        if (!File.Exists(stateFile))
        {
            return [];
        }

        return [.. File.ReadAllLines(stateFile)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 3)
            .Select(parts => (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)))];
    }

    /// <summary>Waits until the test service on <paramref name="port"/> answers its health endpoint.</summary>
    public static async Task WaitUntilAnswersAsync(int port, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    return (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            },
            "the service answers",
            timeout ?? TimeSpan.FromSeconds(60));
    }
}
