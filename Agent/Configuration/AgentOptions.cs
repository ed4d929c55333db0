namespace Vigil.Agent.Configuration;

/// <summary>The agent's settings, bound from the <c>Agent</c> section.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Base address of the control plane, e.g. <c>http://controlplane:5080</c>.</summary>
    public string ControlPlaneUrl { get; set; } = "";

    /// <summary>
    /// An enrollment token from the control plane, used only to enrol when the agent has no credential
    /// (in <c>credential</c> in the data directory); not needed after that. Never logged.
    /// </summary>
    public string EnrollmentToken { get; set; } = "";

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Name shown to operators; the machine name when not set.</summary>
    public string? NodeName { get; set; }

    /// <summary>Holds the node id and the logs; see <see cref="AgentDefaults.DataDirectory"/> when not set.</summary>
    public string? DataDirectory { get; set; }

    public Dictionary<string, string> Labels { get; set; } = [];

    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>The restart policy of every service, unless the service overrides a value.</summary>
    public Vigil.Shared.Services.RestartSettings RestartDefaults { get; set; } = new();

    /// <summary>Optional local address for load balancers' role checks, e.g. <c>http://127.0.0.1:8780/</c>.</summary>
    public string? RoleEndpoint { get; set; }

    public Uri ControlPlaneUri => new(ControlPlaneUrl, UriKind.Absolute);
}

/// <summary>How the agent waits between attempts to reach the control plane.</summary>
public sealed class ReconnectOptions
{
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    public double Multiplier { get; set; } = 2;

    /// <summary>Each delay is varied by up to this fraction either way, so agents do not reconnect in step.</summary>
    public double Jitter { get; set; } = 0.2;
}
