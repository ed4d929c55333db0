using System.Diagnostics;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// A process-kind service: the agent launches the executable, captures its output to rotated files,
/// stops it gracefully (then kills its whole process tree after the stop timeout), runs its lifecycle
/// hooks around each run (<see cref="LifecycleHooks"/>), and remembers its process on disk so that a
/// restarted agent adopts it rather than starting another.
/// </summary>
public sealed partial class ProcessServiceManager : IServiceManager
{
    private static readonly TimeSpan RotationCheck = TimeSpan.FromSeconds(5);
    private readonly ManagedServiceDefinition _definition;
    private readonly ServiceFolders _folders;
    private readonly IProcessLauncher _launcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private Task _exit = Task.CompletedTask;
    private bool _owned;
    private bool _paused;
    private int? _lastExitCode;
    private readonly Task _rotation;
    private readonly Func<bool> _boundToAgent;
    private readonly LifecycleHooks _hooks;

    public ProcessServiceManager(
        ManagedServiceDefinition definition,
        ServiceFolders folders,
        IProcessLauncher launcher,
        TimeProvider time,
        ILogger logger,
        Func<bool>? boundToAgent = null,
        Action<AgentEventKind, string>? record = null)
    {
        _boundToAgent = boundToAgent ?? (() => false);
        _definition = definition;
        _folders = folders;
        _launcher = launcher;
        _time = time;
        _logger = logger;
        _hooks = new LifecycleHooks(definition, folders, launcher, time, logger, record ?? ((_, _) => { }));
        Directory.CreateDirectory(folders.State);
        if (ProcessRecord.Load(folders.ProcessRecord)?.FindRunning() is { } adopted)
        {
            _process = adopted;
            _exit = adopted.WaitForExitAsync(CancellationToken.None);
            _hooks.Watch(_exit);
            LogAdopted(definition.Name, adopted.Id);
        }

        _rotation = RotateLogsAsync(_disposed.Token);
    }

    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } running ? running.Id : null;
            }
        }
    }

    public ServiceObservation Observe()
    {
        lock (_gate)
        {
            if (_process is null)
            {
                return new() { State = ServiceState.Stopped, ExitCode = _lastExitCode, Detail = _lastExitCode is { } code ? $"exited with code {code}" : "not started" };
            }

            if (_process.HasExited)
            {
                _lastExitCode = _owned ? _process.ExitCode : null;
                _process.Dispose();
                _process = null;
                _paused = false;
                TryDelete(_folders.ProcessRecord);
                return new()
                {
                    State = ServiceState.Stopped,
                    ExitCode = _lastExitCode,
                    Detail = _lastExitCode is { } code ? $"exited with code {code}" : "exited (exit code unknown: an earlier run of the agent started it)",
                };
            }

            return new() { State = _paused ? ServiceState.Paused : ServiceState.Running, ProcessId = _process.Id };
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        // One wait per process, shared by every call: a wait per call (and its cancellation) cost the
        // agent more idle CPU than anything else it does.
        Task exit;
        lock (_gate)
        {
            exit = _process is null ? Task.Delay(Timeout.Infinite, cancellationToken) : _exit;
        }

        return exit.WaitAsync(cancellationToken);
    }

    /// <summary>Runs PreStart (a failure fails the start), launches the process, then runs PostStart beside it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Running() is not null)
        {
            return;
        }

        await _hooks.BeforeStartAsync(cancellationToken);
        if (Launch() is { } launched)
        {
            _hooks.AfterLaunch(launched.Id, launched.Exit, () => ExitCodeOf(launched.Process));
        }
    }

    /// <summary>The process just launched, with its exit; null when it already runs.</summary>
    private (Process Process, int Id, Task Exit)? Launch()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                return null;
            }

            var expanded = ExpandedDefinition.Of(_definition, _launcher.References, ExpandedDefinition.AgentEnvironment());
            var workingDirectory = expanded.WorkingDirectory is { } folder ? Path.GetFullPath(folder) : null;
            var executable = ExecutableLocator.Find(_definition.Executable!, workingDirectory ?? Environment.CurrentDirectory)
                ?? throw new ServiceOperationException($"the executable '{_definition.Executable}' does not exist (or is not on the PATH)", key: "Executable");
            workingDirectory ??= Path.GetDirectoryName(executable)!;
            if (!Directory.Exists(workingDirectory))
            {
                throw new ServiceOperationException($"the working directory '{workingDirectory}'{AsWritten(_definition.WorkingDirectory, expanded.WorkingDirectory)} does not exist", key: "WorkingDirectory");
            }

            Directory.CreateDirectory(_folders.Logs);
            var launch = new ProcessLaunch(executable, expanded.Arguments, workingDirectory, expanded.Environment, _folders.StandardOutputLog, _folders.StandardErrorLog, _boundToAgent(), _definition.RunAs);
            try
            {
                _process = _launcher.Start(launch);
                _exit = _process.WaitForExitAsync(CancellationToken.None);
            }
            catch (System.ComponentModel.Win32Exception exception)
            {
                throw new ServiceOperationException($"could not start '{executable}': {exception.Message}", exception);
            }

            foreach (var problem in ProcessScheduling.Apply(_process, _definition))
            {
                LogSchedulingNotApplied(_definition.Name, _process.Id, problem);
            }

            _owned = true;
            _paused = false;
            _lastExitCode = null;
            try
            {
                new ProcessRecord(_process.Id, _process.StartTime.ToUniversalTime(), executable).Save(_folders.ProcessRecord);
            }
            catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                // It already ended: nothing to find again after an agent restart. Observe reports the exit.
            }

            return (_process, _process.Id, _exit);
        }
    }

    /// <summary>The exit code of a run that ended, for its PostStop; null when not known.</summary>
    private int? ExitCodeOf(Process process)
    {
        lock (_gate)
        {
            if (!_owned || !ReferenceEquals(process, _process))
            {
                // Observe took the exit already (and released the handle).
                return _owned ? _lastExitCode : null;
            }

            try
            {
                return process.ExitCode;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
    }

    /// <summary>Stops the process (gracefully, then its tree by force) and waits for its PostStop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await EndAsync(cancellationToken);
        await _hooks.AfterStopAsync(cancellationToken);
    }

    private async Task EndAsync(CancellationToken cancellationToken)
    {
        var process = Running();
        if (process is null)
        {
            return;
        }

        if (_paused)
        {
            _launcher.Suspend(process.Id, suspend: false);
        }

        if (_launcher.RequestStop(process.Id))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_definition.StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogStopTimedOut(_definition.Name, process.Id, _definition.StopTimeout);
            }
        }

        await KillAsync(cancellationToken);
    }

    public Task PauseAsync(CancellationToken cancellationToken) => Suspend(true);

    public Task ContinueAsync(CancellationToken cancellationToken) => Suspend(false);

    public async Task KillAsync(CancellationToken cancellationToken)
    {
        var process = Running();
        if (process is null)
        {
            return;
        }

        try
        {
            _launcher.KillTree(process);
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile, and its handle already released by the exit's watcher.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        await _rotation.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _hooks.DisposeAsync();
        _disposed.Dispose();
        lock (_gate)
        {
            // The service itself keeps running: only the agent's handle goes.
            _process?.Dispose();
            _process = null;
        }
    }

    private Process? Running()
    {
        lock (_gate)
        {
            return _process is { HasExited: false } process ? process : null;
        }
    }

    private Task Suspend(bool suspend)
    {
        var process = Running() ?? throw new ServiceOperationException("the service is not running");
        if (!_launcher.Suspend(process.Id, suspend))
        {
            throw new ServiceOperationException(OperatingSystem.IsWindows()
                ? "pause and continue are not supported for process services on Windows"
                : $"could not {(suspend ? "pause" : "continue")} process {process.Id}");
        }

        _paused = suspend;
        return Task.CompletedTask;
    }

    private async Task RotateLogsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RotationCheck, _time);
        ServiceLogFile[] logs = [.. new[] { _folders.StandardOutputLog, _folders.StandardErrorLog }.Concat(_hooks.Logs).Select(path => new ServiceLogFile(path, _definition.Logs, _time))];
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var log in logs)
                {
                    try
                    {
                        log.Check();
                    }
                    catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                    {
                        LogRotationFailed(exception, _definition.Name, log.Path);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string AsWritten(string? written, string? expanded) => written is not null && written != expanded ? $" (written '{written}')" : "";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Stale records are checked against the process start time anyway.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service}: found its process {ProcessId} still running, and keeps it")]
    private partial void LogAdopted(string service, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service}: process {ProcessId} did not stop within {StopTimeout}; killing its process tree")]
    private partial void LogStopTimedOut(string service, int processId, TimeSpan stopTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service}: process {ProcessId} runs, but {Problem}")]
    private partial void LogSchedulingNotApplied(string service, int processId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service}: could not rotate {Log}")]
    private partial void LogRotationFailed(Exception exception, string service, string log);
}
