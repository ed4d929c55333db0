using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Components.Nodes;

/// <summary>
/// A lifecycle hook of a <c>process</c> service as its form edits it: arguments one per line, the
/// timeout in seconds. There is no hook while its executable, arguments and working directory are empty.
/// </summary>
public sealed class HookDraft
{
    private LifecycleHook _original = new();

    public string? Executable { get; set; }

    /// <summary>One argument per line, passed as they are (no shell quoting).</summary>
    public string? Arguments { get; set; }

    public string? WorkingDirectory { get; set; }

    public double? TimeoutSeconds { get; set; } = ServiceDraft.Seconds(new LifecycleHook().Timeout);

    public bool IsEmpty => string.IsNullOrWhiteSpace(Executable) && string.IsNullOrWhiteSpace(Arguments) && string.IsNullOrWhiteSpace(WorkingDirectory);

    public static HookDraft From(LifecycleHook? hook) => hook is null ? new() : new()
    {
        _original = hook,
        Executable = hook.Executable,
        Arguments = ServiceDraft.Joined(hook.Arguments),
        WorkingDirectory = hook.WorkingDirectory,
        TimeoutSeconds = ServiceDraft.Seconds(hook.Timeout),
    };

    /// <summary>The hook, or null when its fields are empty; a field left as it was loaded keeps the hook's value.</summary>
    public LifecycleHook? ToDefinition() => IsEmpty ? null : _original with
    {
        Executable = Executable == _original.Executable ? _original.Executable : ServiceDraft.Blank(Executable),
        Arguments = ServiceDraft.Lines(Arguments, _original.Arguments),
        WorkingDirectory = WorkingDirectory == _original.WorkingDirectory ? _original.WorkingDirectory : ServiceDraft.Blank(WorkingDirectory),
        Timeout = ServiceDraft.Duration(TimeoutSeconds, _original.Timeout) ?? TimeSpan.Zero,
    };
}
