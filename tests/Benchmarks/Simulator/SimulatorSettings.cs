using System.Globalization;

namespace Vigil.Benchmarks.Simulator;

/// <summary>What to simulate, from the command line.</summary>
public sealed record SimulatorSettings
{
    /// <summary>The first address: enrolment and the control plane's own figures.</summary>
    public Uri Url => Urls[0];

    /// <summary>Every address the agents know; they connect to the first and, with <see cref="Rehome"/>, move on when it is lost.</summary>
    public IReadOnlyList<Uri> Urls { get; init; } = [new("http://127.0.0.1:5080")];

    /// <summary>Reconnect a lost connection as the agent does (the next address at once, then 0.5 s doubling to 3 s) and time it.</summary>
    public bool Rehome { get; init; }

    /// <summary>Agent N connects first to address N modulo their count (several instances sharing the agents), not all to the first.</summary>
    public bool Spread { get; init; }

    public string Token { get; init; } = "";

    public int Agents { get; init; } = 1000;

    /// <summary>Managed services each agent reports in every heartbeat (realistic names and texts; an occasional state change).</summary>
    public int Services { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public int? ServerPid { get; init; }

    public bool Json { get; init; }

    public string? Output { get; init; }

    /// <summary>As the agent: a call unanswered for twice the interval (at least 5 s) has timed out.</summary>
    public TimeSpan CallTimeout => TimeSpan.FromTicks(Math.Max(Interval.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));

    public const string Usage = """
        Agent simulator: N simulated agents heartbeating into a running control plane.
          --url URL            control plane base address (default http://127.0.0.1:5080); repeat it for several instances
          --rehome             reconnect a lost connection as the agent does (the next address at once,
                               then 0.5 s doubling to 3 s), and report how long agents took to register again
          --spread             agent N connects first to address N modulo their count, not every agent to the
                               first (enrolment still goes to the first)
          --token TOKEN        an enrollment token (e.g. the control plane's Agents:EnrollmentToken; required): each simulated agent enrols with it first
          --agents N           simulated agents, one connection each (default 1000)
          --services N         managed services each agent reports in every heartbeat (default 0): realistic
                               names, accounts, reasons and process figures; about one heartbeat in 1,000
                               has a service fail its probe for a few seconds and restart
          --interval 1s        heartbeat interval (ms, s or m suffix)
          --ramp 30s           connect the agents spread over this time
          --warmup 10s         run this long before measuring
          --duration 60s       measurement window
          --server-pid PID     control plane process, for its CPU and memory (Linux /proc)
          --protocol P         messagepack (default) or json
          --output FILE        also write the results as JSON
        """;

    private static readonly SimulatorSettings Defaults = new();

    public static SimulatorSettings Parse(string[] args)
    {
        var settings = Defaults;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--rehome" or "--spread")
            {
                settings = args[i] == "--rehome" ? settings with { Rehome = true } : settings with { Spread = true };
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--url" => settings with { Urls = [.. settings.Urls.Skip(settings.Urls == Defaults.Urls ? 1 : 0), new Uri(value)] },
                "--token" => settings with { Token = value },
                "--agents" => settings with { Agents = int.Parse(value, CultureInfo.InvariantCulture) },
                "--services" => settings with { Services = int.Parse(value, CultureInfo.InvariantCulture) },
                "--interval" => settings with { Interval = ParseDuration(value) },
                "--ramp" => settings with { Ramp = ParseDuration(value) },
                "--warmup" => settings with { Warmup = ParseDuration(value) },
                "--duration" => settings with { Duration = ParseDuration(value) },
                "--server-pid" => settings with { ServerPid = int.Parse(value, CultureInfo.InvariantCulture) },
                "--protocol" => settings with { Json = value.Equals("json", StringComparison.OrdinalIgnoreCase) },
                "--output" => settings with { Output = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
            i++;
        }

        return string.IsNullOrEmpty(settings.Token) ? throw new ArgumentException("--token is required.") : settings;
    }

    /// <summary>"500ms", "2s", "1m", or a TimeSpan such as 00:00:01.</summary>
    public static TimeSpan ParseDuration(string text) => text switch
    {
        _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.Parse(text, CultureInfo.InvariantCulture),
    };
}
