namespace Vigil.Agent.Configuration;

/// <summary>The agent's settings, bound from the <c>Agent</c> section.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Base address of the control plane, e.g. <c>http://controlplane:5080</c>.</summary>
    public string ControlPlaneUrl { get; set; } = "";

    /// <summary>
    /// Addresses of several control-plane instances, tried in turn: after <see cref="ControlPlaneUrl"/>
    /// when both are set, duplicates ignored.
    /// </summary>
    public List<string> ControlPlaneUrls { get; set; } = [];

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

    /// <summary>Programs the control plane may make this agent run; none unless listed here.</summary>
    public RemoteExecutionOptions RemoteExecution { get; set; } = new();

    /// <summary>Every control-plane address, <see cref="ControlPlaneUrl"/> first; valid once the options are validated.</summary>
    public IReadOnlyList<Uri> ControlPlaneAddresses =>
        [.. new[] { ControlPlaneUrl }.Concat(ControlPlaneUrls ?? [])
            .Where(address => !string.IsNullOrWhiteSpace(address))
            .Select(address => new Uri(address.Trim(), UriKind.Absolute))
            .Distinct()];
}

/// <summary>
/// <c>Agent:RemoteExecution</c>: the programs (process executables, command probes, activation hooks)
/// this agent runs when the control plane's desired configuration names them. Read from the agent's
/// own configuration only; empty lists, the default, allow none. Services in the agent's own file are
/// not restricted.
/// </summary>
public sealed class RemoteExecutionOptions
{
    /// <summary>Full paths of allowed programs.</summary>
    public List<string> AllowedExecutables { get; set; } = [];

    /// <summary>Full paths of folders whose programs, at any depth, are allowed; only administrators should be able to write there.</summary>
    public List<string> AllowedFolders { get; set; } = [];

    /// <summary>The policy as the shared rules and the control plane see it, with this machine's path rules.</summary>
    public Vigil.Shared.Services.RemoteExecutionPolicy ToPolicy() => new()
    {
        AllowedExecutables = [.. AllowedExecutables],
        AllowedFolders = [.. AllowedFolders],
        WindowsPaths = OperatingSystem.IsWindows(),
    };
}

/// <summary>How the agent waits between attempts to reach the control plane.</summary>
public sealed class ReconnectOptions
{
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Short enough that agents are back within seconds of a control plane that restarted.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(3);

    public double Multiplier { get; set; } = 2;

    /// <summary>Each delay is varied by up to this fraction either way, so agents do not reconnect in step.</summary>
    public double Jitter { get; set; } = 0.2;
}
