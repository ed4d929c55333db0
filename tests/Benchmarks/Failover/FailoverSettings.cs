using System.Globalization;

namespace Vigil.Benchmarks.Failover;

/// <summary>What the failover benchmark runs, from the command line after <c>failover</c>.</summary>
public sealed record FailoverSettings
{
    /// <summary>The policy the benchmark's group is created with; the product's defaults are 60 s and 3 per hour.</summary>
    public const int CooldownSeconds = 0;

    public const int MaxFailovers = 100;

    public int Trials { get; init; } = 20;

    public IReadOnlyList<FailoverScenario> Scenarios { get; init; } = Enum.GetValues<FailoverScenario>();

    public string? Output { get; init; }

    /// <summary>
    /// Each node-lost trial on a cluster of its own, the killed agent not started again: for agents
    /// that cannot come back after a kill. By default the killed agent is started again (same node).
    /// </summary>
    public bool NodeLostOnFreshClusters { get; init; }

    /// <summary>A folder to write each product process's output into at the end, to see what happened.</summary>
    public string? Logs { get; init; }

    /// <summary>What each node runs as <c>web</c>: the .NET test service (about 1 s to listen) or a minimal listener (about 50 ms).</summary>
    public BenchmarkService Service { get; init; } = BenchmarkService.Test;

    /// <summary>The control plane's failover profile, and the agents' heartbeat interval that goes with it.</summary>
    public BenchmarkProfile Profile { get; init; } = BenchmarkProfile.Standard;

    public const string Usage = """
        Failover benchmark: a real control plane and three real agents, each running the test service
        as `web` on its own port, in one failover group; TRIALS trials of each scenario.
          --trials N             trials per scenario (default 20)
          --scenarios LIST       comma-separated: crash, node-lost, switchover (default all three)
          --output FILE          also write the trials and figures as JSON
          --node-lost-fresh-clusters
                                 each node-lost trial on a new cluster, the killed agent not started again
                                 (default: one cluster per scenario, the killed agent started again)
          --logs FOLDER          write what each product process printed into FOLDER at the end
          --service test|fast    what runs as `web`: the .NET test service (default; about 1 s from its
                                 start to listening) or fast-service.py under python3 -S (about 50 ms)
          --profile standard|fast
                                 the control plane's Failover:Profile: Standard (default; lease 3 s, fence
                                 allowance 1 s, agents heartbeat every 1 s) or Fast (lease 1.5 s, fence
                                 allowance 0.5 s, agents heartbeat every 0.5 s)
        """;

    public static FailoverSettings Parse(string[] args)
    {
        var settings = new FailoverSettings();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--node-lost-fresh-clusters")
            {
                settings = settings with { NodeLostOnFreshClusters = true };
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--trials" => settings with { Trials = int.Parse(value, CultureInfo.InvariantCulture) },
                "--scenarios" => settings with { Scenarios = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseScenario)] },
                "--output" => settings with { Output = value },
                "--logs" => settings with { Logs = value },
                "--service" => settings with { Service = ParseService(value) },
                "--profile" => settings with { Profile = ParseProfile(value) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
            i++;
        }

        return settings.Trials < 1 ? throw new ArgumentException("--trials must be at least 1.")
            : settings.Scenarios.Count == 0 ? throw new ArgumentException("--scenarios names none.")
            : settings;
    }

    public static string NameOf(FailoverScenario scenario) => scenario switch
    {
        FailoverScenario.Crash => "crash",
        FailoverScenario.NodeLost => "node-lost",
        FailoverScenario.Switchover => "switchover",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };

    private static BenchmarkService ParseService(string name) => name switch
    {
        "test" => BenchmarkService.Test,
        "fast" => BenchmarkService.Fast,
        _ => throw new ArgumentException($"Unknown service '{name}': test or fast."),
    };

    private static BenchmarkProfile ParseProfile(string name) => name switch
    {
        "standard" => BenchmarkProfile.Standard,
        "fast" => BenchmarkProfile.Fast,
        _ => throw new ArgumentException($"Unknown profile '{name}': standard or fast."),
    };

    private static FailoverScenario ParseScenario(string name) =>
        Enum.GetValues<FailoverScenario>().Where(s => NameOf(s) == name).Cast<FailoverScenario?>().FirstOrDefault()
        ?? throw new ArgumentException($"Unknown scenario '{name}': crash, node-lost or switchover.");
}

/// <summary>The faults the benchmark injects.</summary>
public enum FailoverScenario
{
    /// <summary>The active's service crashes beyond its local restart budget (the second crash within 5 min).</summary>
    Crash,

    /// <summary>The active's agent is killed with SIGKILL; its service, bound to it, dies with it.</summary>
    NodeLost,

    /// <summary>An operator asks for a switchover to the best standby.</summary>
    Switchover,
}

/// <summary>What each node runs as <c>web</c>.</summary>
public enum BenchmarkService
{
    /// <summary>The .NET test service: about 1 s from its start to listening.</summary>
    Test,

    /// <summary><c>fast-service.py</c> under <c>python3 -S</c>: listening about 50 ms after its start.</summary>
    Fast,
}

/// <summary>The control plane's <c>Failover:Profile</c> and the agents' heartbeat interval that goes with it.</summary>
public enum BenchmarkProfile
{
    /// <summary>Lease 3 s, fence allowance 1 s, agents heartbeat every second (the product's defaults).</summary>
    Standard,

    /// <summary><c>Failover:Profile</c> Fast: lease 1.5 s, fence allowance 0.5 s, agents heartbeat every 0.5 s.</summary>
    Fast,
}
