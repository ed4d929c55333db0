using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Components.Nodes;

/// <summary>
/// A managed service definition as its form edits it: durations in seconds, arguments one per line.
/// It becomes the same <see cref="ManagedServiceDefinition"/> the REST API takes; what the form does
/// not show (logs, hooks, timeouts) is kept as it was, but for lifecycle hooks once the kind is not <c>process</c>.
/// </summary>
public sealed class ServiceDraft
{
    private ManagedServiceDefinition _original = new();

    public string? Name { get; set; }

    public string Kind { get; set; } = ServiceKinds.Process;

    public string? ServiceName { get; set; }

    public string? Executable { get; set; }

    /// <summary>One argument per line, passed as they are (no shell quoting).</summary>
    public string? Arguments { get; set; }

    public string? WorkingDirectory { get; set; }

    public List<VariableDraft> Environment { get; set; } = [];

    /// <summary>Null: the agent's default.</summary>
    public bool? RestartEnabled { get; set; }

    public double? RestartInitialDelaySeconds { get; set; }

    public double? RestartMaxDelaySeconds { get; set; }

    public double? RestartMultiplier { get; set; }

    public int? RestartMaxRestarts { get; set; }

    public double? RestartWindowSeconds { get; set; }

    public List<ProbeDraft> Probes { get; set; } = [];

    public static ServiceDraft From(ManagedServiceDefinition service) => new()
    {
        _original = service,
        Name = service.Name,
        Kind = service.Kind.ToLowerInvariant(),
        ServiceName = service.ServiceName,
        Executable = service.Executable,
        Arguments = service.Arguments.Count == 0 ? null : string.Join('\n', service.Arguments),
        WorkingDirectory = service.WorkingDirectory,
        Environment = [.. service.Environment.Select(e => new VariableDraft { Name = e.Key, Value = e.Value })],
        RestartEnabled = service.Restart.Enabled,
        RestartInitialDelaySeconds = Seconds(service.Restart.InitialDelay),
        RestartMaxDelaySeconds = Seconds(service.Restart.MaxDelay),
        RestartMultiplier = service.Restart.Multiplier,
        RestartMaxRestarts = service.Restart.MaxRestarts,
        RestartWindowSeconds = Seconds(service.Restart.Window),
        Probes = [.. service.Probes.Select(ProbeDraft.From)],
    };

    /// <summary>The definition: fields of the other kind are left out, so that what is sent is what the service uses.</summary>
    public ManagedServiceDefinition ToDefinition()
    {
        var process = Kind == ServiceKinds.Process;
        return _original with
        {
            Name = Name?.Trim() ?? "",
            Kind = Kind,
            ServiceName = process ? null : Blank(ServiceName),
            Executable = process ? Blank(Executable) : null,
            Arguments = process ? Lines(Arguments) : [],
            WorkingDirectory = process ? Blank(WorkingDirectory) : null,
            PreStart = process ? _original.PreStart : null,
            PostStart = process ? _original.PostStart : null,
            PostStop = process ? _original.PostStop : null,
            Environment = process
                ? Environment.Where(v => !string.IsNullOrEmpty(v.Name) || !string.IsNullOrEmpty(v.Value)).GroupBy(v => v.Name ?? "").ToDictionary(g => g.Key, g => g.Last().Value ?? "")
                : [],
            Restart = _original.Restart with
            {
                Enabled = RestartEnabled,
                InitialDelay = Duration(RestartInitialDelaySeconds),
                MaxDelay = Duration(RestartMaxDelaySeconds),
                Multiplier = RestartMultiplier,
                MaxRestarts = RestartMaxRestarts,
                Window = Duration(RestartWindowSeconds),
            },
            Probes = [.. Probes.Select(p => p.ToDefinition())],
        };
    }

    internal static double? Seconds(TimeSpan? value) => value?.TotalSeconds;

    internal static TimeSpan? Duration(double? seconds) => seconds is { } s && double.IsFinite(s) && Math.Abs(s) < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(s) : null;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static List<string> Lines(string? text) =>
        text is null ? [] : [.. text.ReplaceLineEndings("\n").Split('\n').Where(line => line.Length > 0)];
}

public sealed class VariableDraft
{
    public string? Name { get; set; }

    public string? Value { get; set; }
}

/// <summary>A probe as the form edits it; its interval and timeout in seconds.</summary>
public sealed class ProbeDraft
{
    private ProbeDefinition _original = new();

    public string Kind { get; set; } = ProbeKinds.Http;

    public string? Url { get; set; }

    public string? Host { get; set; }

    public int? Port { get; set; }

    public string? Command { get; set; }

    /// <summary>One argument per line.</summary>
    public string? Arguments { get; set; }

    public double? IntervalSeconds { get; set; } = 2;

    public double? TimeoutSeconds { get; set; } = 1;

    public static ProbeDraft From(ProbeDefinition probe) => new()
    {
        _original = probe,
        Kind = probe.Kind.ToLowerInvariant(),
        Url = probe.Url,
        Host = probe.Host,
        Port = probe.Port == 0 ? null : probe.Port,
        Command = probe.Command,
        Arguments = probe.Arguments.Count == 0 ? null : string.Join('\n', probe.Arguments),
        IntervalSeconds = probe.Interval.TotalSeconds,
        TimeoutSeconds = probe.Timeout.TotalSeconds,
    };

    public ProbeDefinition ToDefinition() => _original with
    {
        Kind = Kind,
        Url = Kind == ProbeKinds.Http ? Url?.Trim() : null,
        Host = Kind == ProbeKinds.Tcp ? Host?.Trim() : null,
        Port = Kind == ProbeKinds.Tcp ? Port ?? 0 : 0,
        Command = Kind == ProbeKinds.Command ? Command?.Trim() : null,
        Arguments = Kind == ProbeKinds.Command && Arguments is not null ? [.. Arguments.ReplaceLineEndings("\n").Split('\n').Where(line => line.Length > 0)] : [],
        Interval = ServiceDraft.Duration(IntervalSeconds) ?? TimeSpan.Zero,
        Timeout = ServiceDraft.Duration(TimeoutSeconds) ?? TimeSpan.Zero,
    };
}
