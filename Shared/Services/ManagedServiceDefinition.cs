namespace Vigil.Shared.Services;

/// <summary>
/// One service the agent manages: what it is, how to run it, how to probe it, and how to restart it.
/// The same shape comes from the agent's configuration file (<c>Agent:Services</c>) and from the
/// desired configuration the control plane pushes.
/// </summary>
/// <remarks>
/// Collections and nested settings given as JSON <c>null</c> read as empty (defaults), so that a
/// definition from any source can be validated and used without null checks.
/// </remarks>
public sealed record ManagedServiceDefinition
{
    /// <summary>Unique name on the node, used in reports, events and commands.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary><c>process</c> or <c>windows</c> (see <see cref="ServiceKinds"/>).</summary>
    public string Kind { get; init => field = value ?? ""; } = "";

    /// <summary>windows: the service's name in the service control manager.</summary>
    public string? ServiceName { get; init; }

    /// <summary>process: the executable, a full path or a name found on the PATH.</summary>
    public string? Executable { get; init; }

    /// <summary>process: arguments, passed one by one (no shell quoting).</summary>
    public List<string> Arguments { get; init => field = value ?? []; } = [];

    /// <summary>process: working directory; the executable's folder when not set.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>process: environment variables added to the agent's own.</summary>
    public Dictionary<string, string> Environment { get; init => field = value ?? []; } = [];

    /// <summary>process: the scheduling priority (see <see cref="ProcessPriorities"/>); the agent's own when not set.</summary>
    public string? Priority { get; init; }

    /// <summary>process: the processors (0-based indexes) the process may run on; any when empty.</summary>
    public List<int> Affinity { get; init => field = value ?? []; } = [];

    /// <summary>process, on Windows: the account the process runs under; the agent's own when not set.</summary>
    public RunAsAccount? RunAs { get; init; }

    /// <summary>process: how long a graceful stop (SIGTERM / Ctrl+C) may take before the process tree is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>windows: how long a start, stop, pause or continue may take, beyond the service's own wait hints.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>process: run before every launch; a failure (or timeout) fails that start, which counts under the restart policy.</summary>
    public LifecycleHook? PreStart { get; init; }

    /// <summary>process: run after every launch, beside the service; a failure is reported and the service runs on.</summary>
    public LifecycleHook? PostStart { get; init; }

    /// <summary>process: run after every stop or exit of the service; a failure is reported.</summary>
    public LifecycleHook? PostStop { get; init; }

    /// <summary>process: where standard output and error go.</summary>
    public ServiceLogSettings Logs { get; init => field = value ?? new(); } = new();

    /// <summary>Stop this service when the agent stops gracefully; by default it keeps running.</summary>
    public bool StopWithAgent { get; init; }

    /// <summary>
    /// The first start after the machine boots waits until the machine has been up this long, as Windows'
    /// "Automatic (Delayed Start)" does; a service found running, a restart and an operator's start do not wait.
    /// </summary>
    public TimeSpan StartDelay { get; init; } = TimeSpan.Zero;

    /// <summary>After each start, probe failures during this time do not count.</summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.Zero;

    /// <summary>Overrides of the agent's restart policy for this service; unset values use the agent's.</summary>
    public RestartSettings Restart { get; init => field = value ?? new(); } = new();

    public List<ProbeDefinition> Probes { get; init => field = value ?? []; } = [];

    /// <summary>Commands run when this node takes or gives up the service's active role in a failover group.</summary>
    public RoleHooks Hooks { get; init => field = value ?? new(); } = new();
}

/// <summary>
/// Scripts run on a change of role, e.g. to move a floating IP address or flip a DNS record. Each is
/// an executable followed by its arguments, passed one by one. A failing activation hook refuses the
/// role; a failing deactivation hook is reported, and the role is given up all the same.
/// </summary>
public sealed record RoleHooks
{
    public List<string> OnActivate { get; init => field = value ?? []; } = [];

    public List<string> OnDeactivate { get; init => field = value ?? []; } = [];

    /// <summary>How long a hook may run before it is killed and counted as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A program a <c>process</c> service runs at a point of its life (<see cref="ManagedServiceDefinition.PreStart"/>,
/// <see cref="ManagedServiceDefinition.PostStart"/>, <see cref="ManagedServiceDefinition.PostStop"/>), as NSSM's
/// AppEvents and WinSW's <c>&lt;prestart&gt;</c>, <c>&lt;poststart&gt;</c> and <c>&lt;poststop&gt;</c> do.
/// </summary>
public sealed record LifecycleHook
{
    /// <summary>The program, a full path or a name found on the PATH (not expanded, like the service's executable).</summary>
    public string? Executable { get; init; }

    /// <summary>Arguments, passed one by one (no shell quoting); references to variables are expanded as the service's are.</summary>
    public List<string> Arguments { get; init => field = value ?? []; } = [];

    /// <summary>The hook's working directory; the service's when not set.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>How long the hook may run before its process tree is killed and it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Files for a process's standard output and error, rotated by size and, if asked, by day.</summary>
public sealed record ServiceLogSettings
{
    /// <summary>Folder of the log files; <c>&lt;agent data&gt;/services/&lt;name&gt;</c> when not set.</summary>
    public string? Directory { get; init; }

    public long MaxFileBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Rotated files kept besides the current one.</summary>
    public int MaxFiles { get; init; } = 5;

    /// <summary>Also roll each file over at midnight (the node's local time), to <c>&lt;file&gt;.&lt;yyyy-MM-dd&gt;</c>.</summary>
    public bool RollDaily { get; init; }

    /// <summary>With <see cref="RollDaily"/>: days a dated file is kept; older ones are deleted.</summary>
    public int KeepDays { get; init; } = 30;
}

/// <summary>Restart policy values; null means "the agent's default".</summary>
public sealed record RestartSettings
{
    /// <summary>False: the agent never restarts this service by itself.</summary>
    public bool? Enabled { get; init; }

    public TimeSpan? InitialDelay { get; init; }

    public double? Multiplier { get; init; }

    public TimeSpan? MaxDelay { get; init; }

    /// <summary>Fraction by which each delay is varied either way.</summary>
    public double? Jitter { get; init; }

    /// <summary>At most this many restarts within <see cref="Window"/>; then the service is Failed and left alone.</summary>
    public int? MaxRestarts { get; init; }

    public TimeSpan? Window { get; init; }

    /// <summary>An exit this soon after a start is a fast failure: the delay keeps growing. A longer run resets it.</summary>
    public TimeSpan? FastFailWithin { get; init; }

    /// <summary>After the service has been healthy this long, its restart count and delay start over.</summary>
    public TimeSpan? ResetAfterHealthy { get; init; }
}
