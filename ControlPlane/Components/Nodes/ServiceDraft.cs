using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Components.Nodes;

/// <summary>
/// A managed service definition as its form edits it: durations in seconds, log sizes in MiB, arguments
/// one per line. It becomes the same <see cref="ManagedServiceDefinition"/> the REST API takes: a field
/// left as it was loaded keeps the definition's value exactly, and what the form does not show (the log
/// folder, role hooks, timeouts, a probe's rise and fall) is kept as it was.
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

    /// <summary>One of <see cref="ProcessPriorities.All"/>; null: the agent's own.</summary>
    public string? Priority { get; set; }

    /// <summary>Processor indexes; empty: any processor.</summary>
    public IReadOnlyList<int> Affinity { get; set; } = [];

    /// <summary>Null or 0: no delay after the machine boots.</summary>
    public double? StartDelaySeconds { get; set; }

    public HookDraft PreStart { get; set; } = new();

    public HookDraft PostStart { get; set; } = new();

    public HookDraft PostStop { get; set; } = new();

    public double? LogMaxFileMebibytes { get; set; } = Mebibytes(Defaults.Logs.MaxFileBytes);

    public int? LogMaxFiles { get; set; } = Defaults.Logs.MaxFiles;

    public bool LogRollDaily { get; set; } = Defaults.Logs.RollDaily;

    public int? LogKeepDays { get; set; } = Defaults.Logs.KeepDays;

    /// <summary>Null: the agent's default.</summary>
    public bool? RestartEnabled { get; set; }

    public double? RestartInitialDelaySeconds { get; set; }

    public double? RestartMaxDelaySeconds { get; set; }

    public double? RestartMultiplier { get; set; }

    public int? RestartMaxRestarts { get; set; }

    public double? RestartWindowSeconds { get; set; }

    public List<ProbeDraft> Probes { get; set; } = [];

    private static ManagedServiceDefinition Defaults { get; } = new();

    public static ServiceDraft From(ManagedServiceDefinition service) => new()
    {
        _original = service,
        Name = service.Name,
        Kind = service.Kind.ToLowerInvariant(),
        ServiceName = service.ServiceName,
        Executable = service.Executable,
        Arguments = Joined(service.Arguments),
        WorkingDirectory = service.WorkingDirectory,
        Environment = [.. service.Environment.Select(e => new VariableDraft { Name = e.Key, Value = e.Value })],
        Priority = ProcessPriorities.All.FirstOrDefault(p => p.Equals(service.Priority, StringComparison.OrdinalIgnoreCase)) ?? service.Priority,
        Affinity = service.Affinity,
        StartDelaySeconds = service.StartDelay == TimeSpan.Zero ? null : Seconds(service.StartDelay),
        PreStart = HookDraft.From(service.PreStart),
        PostStart = HookDraft.From(service.PostStart),
        PostStop = HookDraft.From(service.PostStop),
        LogMaxFileMebibytes = Mebibytes(service.Logs.MaxFileBytes),
        LogMaxFiles = service.Logs.MaxFiles,
        LogRollDaily = service.Logs.RollDaily,
        LogKeepDays = service.Logs.KeepDays,
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
            Kind = Kind.Equals(_original.Kind, StringComparison.OrdinalIgnoreCase) ? _original.Kind : Kind,
            ServiceName = process ? null : Blank(ServiceName),
            Executable = process ? Blank(Executable) : null,
            Arguments = process ? Lines(Arguments, _original.Arguments) : [],
            WorkingDirectory = process ? Blank(WorkingDirectory) : null,
            Priority = process ? (string.Equals(Priority, _original.Priority, StringComparison.OrdinalIgnoreCase) ? _original.Priority : Blank(Priority)) : null,
            RunAs = process ? _original.RunAs : null,
            Affinity = !process ? [] : Affinity.Count == _original.Affinity.Count && Affinity.ToHashSet().SetEquals(_original.Affinity) ? _original.Affinity : [.. Affinity.Order()],
            StartDelay = Duration(StartDelaySeconds, _original.StartDelay) ?? TimeSpan.Zero,
            PreStart = process ? PreStart.ToDefinition() : null,
            PostStart = process ? PostStart.ToDefinition() : null,
            PostStop = process ? PostStop.ToDefinition() : null,
            Logs = process ? LogSettings() : new(),
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

    /// <summary>The log settings; the folder, which the form does not show, as it was.</summary>
    private ServiceLogSettings LogSettings() => _original.Logs with
    {
        MaxFileBytes = LogMaxFileMebibytes is { } mebibytes && mebibytes == Mebibytes(_original.Logs.MaxFileBytes)
            ? _original.Logs.MaxFileBytes
            : LogMaxFileMebibytes is { } size && double.IsFinite(size) && Math.Abs(size) < long.MaxValue / Mebibyte ? (long)Math.Round(size * Mebibyte) : 0,
        MaxFiles = LogMaxFiles ?? 0,
        RollDaily = LogRollDaily,
        KeepDays = LogKeepDays ?? 0,
    };

    private const double Mebibyte = 1024 * 1024;

    private static double Mebibytes(long bytes) => bytes / Mebibyte;

    internal static double? Seconds(TimeSpan? value) => value?.TotalSeconds;

    internal static TimeSpan? Duration(double? seconds) => seconds is { } s && double.IsFinite(s) && Math.Abs(s) < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(s) : null;

    /// <summary>The duration of <paramref name="seconds"/>; <paramref name="original"/> itself when the field still shows it, so that a value loaded is sent back to the tick.</summary>
    internal static TimeSpan? Duration(double? seconds, TimeSpan original) => seconds == Seconds(original) ? original : Duration(seconds);

    internal static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    internal static string? Joined(List<string> lines) => lines.Count == 0 ? null : string.Join('\n', lines);

    /// <summary>One argument per non-empty line; <paramref name="original"/> itself when the text is still the one it was loaded as (empty arguments included).</summary>
    internal static List<string> Lines(string? text, List<string> original) =>
        text == Joined(original) ? original : text is null ? [] : [.. text.ReplaceLineEndings("\n").Split('\n').Where(line => line.Length > 0)];
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
