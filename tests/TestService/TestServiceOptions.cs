using System.Globalization;

namespace Vigil.TestService;

/// <summary>What the test service should do, from <c>--flag value</c> arguments or <c>TESTSERVICE_*</c> variables.</summary>
public sealed record TestServiceOptions
{
    public int Port { get; init; }

    public string Name { get; init; } = "test-service";

    /// <summary>A file that gets a line per start (<c>started pid time</c>) and per graceful stop.</summary>
    public string? StateFile { get; init; }

    /// <summary>Exit by itself after this long, with <see cref="ExitCode"/>.</summary>
    public TimeSpan? ExitAfter { get; init; }

    public int ExitCode { get; init; } = 1;

    /// <summary>Exit with code 3 before listening.</summary>
    public bool FailToStart { get; init; }

    /// <summary>Ignore SIGTERM and Ctrl+C (so only a kill ends it).</summary>
    public bool IgnoreStop { get; init; }

    /// <summary>Write a line to standard output every 100 ms and to standard error every 500 ms.</summary>
    public bool Chatty { get; init; }

    /// <summary>Start a long-lived child process (to check that a kill takes the whole tree).</summary>
    public bool SpawnChild { get; init; }

    /// <summary>
    /// Start a long-lived process through a go-between that exits at once, so that the process is an
    /// orphan: no parent links it to the service any more (a job object still does, on Windows).
    /// </summary>
    public bool SpawnOrphan { get; init; }

    /// <summary>Be that go-between: start the long-lived process and exit.</summary>
    public bool OrphanStarter { get; init; }

    public static TestServiceOptions Parse(string[] args)
    {
        string? Value(string flag)
        {
            var index = Array.IndexOf(args, $"--{flag}");
            return index >= 0 && index + 1 < args.Length ? args[index + 1]
                : Environment.GetEnvironmentVariable($"TESTSERVICE_{flag.Replace('-', '_').ToUpperInvariant()}");
        }

        bool Flag(string flag) => args.Contains($"--{flag}") || Environment.GetEnvironmentVariable($"TESTSERVICE_{flag.Replace('-', '_').ToUpperInvariant()}") == "1";

        return new TestServiceOptions
        {
            Port = Value("port") is { } port ? int.Parse(port, CultureInfo.InvariantCulture) : 0,
            Name = Value("name") ?? "test-service",
            StateFile = Value("state-file"),
            ExitAfter = Value("exit-after") is { } seconds ? TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)) : null,
            ExitCode = Value("exit-code") is { } code ? int.Parse(code, CultureInfo.InvariantCulture) : 1,
            FailToStart = Flag("fail-to-start"),
            IgnoreStop = Flag("ignore-stop"),
            Chatty = Flag("chatty"),
            SpawnChild = Flag("spawn-child"),
            SpawnOrphan = Flag("spawn-orphan"),
            OrphanStarter = args.Contains("--orphan-starter"),
        };
    }
}
