namespace Vigil.Shared.Services;

/// <summary>
/// A health check of a managed service, with the meaning of Kubernetes probes and keepalived checks:
/// it runs every <see cref="Interval"/> after <see cref="InitialDelay"/>; <see cref="Rise"/>
/// successes in a row make it pass, <see cref="Fall"/> failures in a row make it fail.
/// </summary>
public sealed record ProbeDefinition
{
    /// <summary><c>http</c>, <c>tcp</c> or <c>command</c> (see <see cref="ProbeKinds"/>).</summary>
    public string Kind { get; init => field = value ?? ""; } = "";

    /// <summary>Shown in reports; the kind and position when not set.</summary>
    public string? Name { get; init; }

    /// <summary>http: the URL to GET.</summary>
    public string? Url { get; init; }

    /// <summary>http: accepted status codes, a code or a range such as <c>200-399</c>.</summary>
    public string ExpectedStatus { get; init; } = "200-399";

    /// <summary>http: text the response body must contain.</summary>
    public string? BodyContains { get; init; }

    /// <summary>tcp: host to connect to.</summary>
    public string? Host { get; init; }

    /// <summary>tcp: port to connect to.</summary>
    public int Port { get; init; }

    /// <summary>command: the program (PowerShell script text on Windows when <see cref="Arguments"/> is empty and the command is not a file; sh elsewhere).</summary>
    public string? Command { get; init; }

    public List<string> Arguments { get; init => field = value ?? []; } = [];

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan InitialDelay { get; init; } = TimeSpan.Zero;

    public int Rise { get; init; } = 2;

    public int Fall { get; init; } = 3;

    /// <summary>Restart the service when the probe fails (as a Kubernetes liveness probe does).</summary>
    public bool RestartOnFailure { get; init; } = true;

    public string DisplayName(int index) => string.IsNullOrWhiteSpace(Name) ? $"{Kind}-{index}" : Name;
}

public static class ProbeKinds
{
    public const string Http = "http";
    public const string Tcp = "tcp";
    public const string Command = "command";

    public static IReadOnlyList<string> All { get; } = [Http, Tcp, Command];
}
