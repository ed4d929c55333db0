using System.Globalization;

namespace Vigil.Benchmarks.Simulator;

/// <summary>What to simulate, from the command line.</summary>
public sealed record SimulatorSettings
{
    public Uri Url { get; init; } = new("http://127.0.0.1:5080");

    public string Token { get; init; } = "";

    public int Agents { get; init; } = 1000;

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
          --url URL            control plane base address (default http://127.0.0.1:5080)
          --token TOKEN        an enrollment token (e.g. the control plane's Agents:EnrollmentToken; required): each simulated agent enrols with it first
          --agents N           simulated agents, one connection each (default 1000)
          --interval 1s        heartbeat interval (ms, s or m suffix)
          --ramp 30s           connect the agents spread over this time
          --warmup 10s         run this long before measuring
          --duration 60s       measurement window
          --server-pid PID     control plane process, for its CPU and memory (Linux /proc)
          --protocol P         messagepack (default) or json
          --output FILE        also write the results as JSON
        """;

    public static SimulatorSettings Parse(string[] args)
    {
        var settings = new SimulatorSettings();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--url" => settings with { Url = new Uri(value) },
                "--token" => settings with { Token = value },
                "--agents" => settings with { Agents = int.Parse(value, CultureInfo.InvariantCulture) },
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
