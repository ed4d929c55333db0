using System.Diagnostics;
using System.Globalization;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// The PreStart, PostStart and PostStop hooks of one process service. Each runs through the service's
/// launcher, under the service's run-as account (as the whole service runs under NSSM or WinSW), bound
/// to the agent (it never outlives it), with the service's environment and
/// <c>VIGIL_SERVICE</c> and <c>VIGIL_HOOK</c> set; its output is appended to <c>prestart.log</c>,
/// <c>poststart.log</c> or <c>poststop.log</c> in the service's log folder, between a line saying what ran
/// and one saying how it ended; at its timeout its whole process tree is killed. The hooks of one run
/// never overlap: the PostStop of a run waits for its PostStart, and the next PreStart for that PostStop.
/// </summary>
public sealed partial class LifecycleHooks(
    ManagedServiceDefinition definition, ServiceFolders folders, IProcessLauncher launcher, TimeProvider time, ILogger logger, Action<AgentEventKind, string> record)
    : IAsyncDisposable
{
    public const string PreStart = "PreStart";
    public const string PostStart = "PostStart";
    public const string PostStop = "PostStop";

    private static readonly TimeSpan KilledHookExit = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private Task _afterRun = Task.CompletedTask;

    /// <summary>The log files of the hooks, to be kept in bounds like the service's own.</summary>
    public IEnumerable<string> Logs => [folders.HookLog(PreStart), folders.HookLog(PostStart), folders.HookLog(PostStop)];

    /// <summary>Waits for the PostStop of the run before, then runs PreStart; a PreStart that fails fails the start.</summary>
    public async Task BeforeStartAsync(CancellationToken cancellationToken)
    {
        await AfterStopAsync(cancellationToken);
        if (definition.PreStart is { } hook && await RunAsync(PreStart, hook, [], cancellationToken) is { } failure)
        {
            throw new ServiceOperationException(failure, key: PreStart);
        }
    }

    /// <summary>Runs PostStart beside the service just launched, and PostStop once its process has ended (stopped, killed or exited).</summary>
    public void AfterLaunch(int processId, Task exit, Func<int?> exitCode)
    {
        var about = new Dictionary<string, string> { ["VIGIL_PROCESS_ID"] = processId.ToString(CultureInfo.InvariantCulture) };
        var postStart = definition.PostStart is { } hook ? ReportAsync(PostStart, hook, about, AgentEventKind.ServiceStarted) : Task.CompletedTask;
        lock (_gate)
        {
            _afterRun = PostStopAsync(exit, postStart, exitCode);
        }
    }

    /// <summary>A process found running when the agent started: its PostStop runs once it ends.</summary>
    public void Watch(Task exit)
    {
        lock (_gate)
        {
            _afterRun = PostStopAsync(exit, Task.CompletedTask, () => null);
        }
    }

    /// <summary>Completes once the hooks of the latest run are over (at once when it has no PostStop or has not ended).</summary>
    public Task AfterStopAsync(CancellationToken cancellationToken)
    {
        Task afterRun;
        lock (_gate)
        {
            afterRun = _afterRun;
        }

        return afterRun.IsCompleted ? Task.CompletedTask : afterRun.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        Task afterRun;
        lock (_gate)
        {
            afterRun = _afterRun;
        }

        await afterRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _disposed.Dispose();
    }

    private async Task PostStopAsync(Task exit, Task postStart, Func<int?> exitCode)
    {
        try
        {
            await exit.WaitAsync(_disposed.Token);
        }
        catch (OperationCanceledException)
        {
            // The agent leaves and the service runs on: it has not stopped.
            return;
        }

        await postStart;
        if (definition.PostStop is { } hook)
        {
            var about = exitCode() is { } code ? new Dictionary<string, string> { ["VIGIL_EXIT_CODE"] = code.ToString(CultureInfo.InvariantCulture) } : [];
            await ReportAsync(PostStop, hook, about, AgentEventKind.ServiceStopped);
        }
    }

    /// <summary>Runs a hook whose failure does not change the service's course: it is logged and recorded as an event. Never throws.</summary>
    private async Task ReportAsync(string name, LifecycleHook hook, Dictionary<string, string> about, AgentEventKind kind)
    {
        await Task.Yield();
        string? failure;
        try
        {
            failure = await RunAsync(name, hook, about, CancellationToken.None);
        }
        catch (ServiceOperationException exception)
        {
            failure = exception.Message;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            failure = $"{name} hook could not write its log: {exception.Message}";
        }

        if (failure is not null)
        {
            LogHookFailed(definition.Name, name, failure);
            record(kind, $"{name} hook failed: {failure}");
        }
    }

    /// <summary>Null when the hook exited with code 0, else why it failed. Throws <see cref="ServiceOperationException"/> for a hook that cannot be launched as defined.</summary>
    private async Task<string?> RunAsync(string name, LifecycleHook hook, Dictionary<string, string> about, CancellationToken cancellationToken)
    {
        var launch = LaunchOf(name, hook, about);
        var log = launch.StandardOutputLog;
        Directory.CreateDirectory(folders.Logs);
        Note(log, $"{name}: {launch.Executable}");
        Process process;
        try
        {
            process = launcher.Start(launch);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Note(log, $"{name} could not start: {exception.Message}");
            return $"{name} hook could not start '{launch.Executable}': {exception.Message}";
        }

        using (process)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            try
            {
                await process.WaitForExitAsync(stop.Token).WaitAsync(hook.Timeout, time, stop.Token);
            }
            catch (TimeoutException)
            {
                await KillAsync(process);
                Note(log, $"{name} did not finish within {hook.Timeout}; its process tree was killed");
                return $"{name} hook '{launch.Executable}' did not finish within {hook.Timeout}; its process tree was killed (its output is in {log})";
            }
            catch (OperationCanceledException)
            {
                // The start was cut short, or the agent leaves: the hook does not outlive either.
                await KillAsync(process);
                Note(log, $"{name} cut short; its process tree was killed");
                throw;
            }

            Note(log, $"{name} exited with code {process.ExitCode}");
            return process.ExitCode == 0 ? null : $"{name} hook '{launch.Executable}' exited with code {process.ExitCode} (its output is in {log})";
        }
    }

    /// <summary>
    /// The hook as the launcher starts it: arguments and working directory expanded as the service's are
    /// (the executable as written, as the remote-execution rules checked it); the working directory is
    /// the hook's, else the service's, else the folder of the hook's executable.
    /// </summary>
    private ProcessLaunch LaunchOf(string name, LifecycleHook hook, Dictionary<string, string> about)
    {
        var expanded = ExpandedDefinition.Of(
            definition with { Arguments = hook.Arguments, WorkingDirectory = hook.WorkingDirectory ?? definition.WorkingDirectory },
            launcher.References,
            ExpandedDefinition.AgentEnvironment());
        var workingDirectory = expanded.WorkingDirectory is { } folder ? Path.GetFullPath(folder) : null;
        var executable = ExecutableLocator.Find(hook.Executable!, workingDirectory ?? Environment.CurrentDirectory)
            ?? throw new ServiceOperationException($"the {name} hook's executable '{hook.Executable}' does not exist (or is not on the PATH)", key: $"{name}:Executable");
        workingDirectory ??= Path.GetDirectoryName(executable)!;
        if (!Directory.Exists(workingDirectory))
        {
            throw new ServiceOperationException($"the {name} hook's working directory '{workingDirectory}' does not exist", key: hook.WorkingDirectory is null ? "WorkingDirectory" : $"{name}:WorkingDirectory");
        }

        var environment = new Dictionary<string, string>(expanded.Environment) { ["VIGIL_SERVICE"] = definition.Name, ["VIGIL_HOOK"] = name };
        foreach (var (variable, value) in about)
        {
            environment[variable] = value;
        }

        var log = folders.HookLog(name);
        return new ProcessLaunch(executable, expanded.Arguments, workingDirectory, environment, log, log, BoundToAgent: true, definition.RunAs);
    }

    private async Task KillAsync(Process process)
    {
        try
        {
            launcher.KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(KilledHookExit, time);
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            // It ended meanwhile, or is past saving: either way the run is over for the agent.
        }
    }

    /// <summary>A line of the agent's in the hook's log, between the hook's own output.</summary>
    /// <summary>Appends the agent's line, sharing the file as the launcher does: a hook's process may still hold it (a child it left behind).</summary>
    private void Note(string log, string line)
    {
        using var file = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Write(System.Text.Encoding.UTF8.GetBytes($"[{time.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}] {line}{Environment.NewLine}"));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service}: {Hook} hook failed: {Failure}; the service goes on")]
    private partial void LogHookFailed(string service, string hook, string failure);
}
