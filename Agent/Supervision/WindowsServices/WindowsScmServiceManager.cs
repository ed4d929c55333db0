using System.ComponentModel;
using System.Runtime.Versioning;
using System.ServiceProcess;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.WindowsServices;

/// <summary>
/// A windows-kind service, through the service control manager: query, start, stop, pause and
/// continue, each waiting out the pending state for as long as the service's wait hints and
/// checkpoints say it is making progress, within the operation timeout.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsScmServiceManager(ManagedServiceDefinition definition, TimeProvider time) : IServiceManager
{
    private readonly string _serviceName = definition.ServiceName!;
    private static readonly TimeSpan ConfigurationRefresh = TimeSpan.FromSeconds(30);
    private int? _processId;
    private (string? StartType, string? Account) _configuration;
    private long? _configurationReadAt;

    public int? ProcessId => _processId;

    public ServiceObservation Observe()
    {
        try
        {
            using var controller = new ServiceController(_serviceName);
            var status = ScmNative.QueryStatus(controller.ServiceHandle)
                ?? throw new Win32Exception(System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
            var orphaned = IsOrphaned(status);
            var state = orphaned ? ServiceState.Stopped : StateOf(status.CurrentState);
            _processId = status.ProcessId > 0 && state != ServiceState.Stopped ? status.ProcessId : null;
            var (startType, account) = Configuration(controller);
            return new ServiceObservation
            {
                State = state,
                ProcessId = _processId,
                ExitCode = state == ServiceState.Stopped && !orphaned ? ExitCodeOf(status) : null,
                Detail = orphaned
                    ? $"its process {status.ProcessId} has ended though the service control manager still lists it as {StateOf(status.CurrentState)}"
                    : state == ServiceState.Stopped && ExitCodeOf(status) is { } code and not 0 ? $"stopped with exit code {code}" : null,
                StartType = startType,
                Account = account,
            };
        }
        catch (InvalidOperationException exception)
        {
            _processId = null;
            return ServiceObservation.Unknown(NotFound(exception) ? $"the Windows service '{_serviceName}' was not found" : exception.Message);
        }
        catch (Win32Exception exception)
        {
            _processId = null;
            return ServiceObservation.Unknown($"cannot query the Windows service '{_serviceName}': {exception.Message}");
        }
    }

    /// <summary>
    /// Start type Manual and no recovery actions: with Automatic the service control manager starts
    /// the service at boot, and with recovery actions after a crash, where only its failover group
    /// may say whether it runs. A Disabled service is left alone (the agent cannot start it either).
    /// </summary>
    public IReadOnlyList<string> KeepStartsToTheAgent()
    {
        var changes = new List<string>();
        ServiceStartMode startType;
        try
        {
            using var controller = new ServiceController(_serviceName);
            startType = controller.StartType;
        }
        catch (InvalidOperationException exception)
        {
            throw new ServiceOperationException($"cannot read the start type of the Windows service '{_serviceName}': {Innermost(exception)}", exception);
        }

        if (startType is ServiceStartMode.Automatic or ServiceStartMode.Boot or ServiceStartMode.System)
        {
            Check(ScmNative.SetManualStart(_serviceName), $"set the start type of the Windows service '{_serviceName}' to Manual; set it with: sc.exe config {_serviceName} start= demand");
            changes.Add($"start type {startType} changed to Manual");
            _configurationReadAt = null;
        }

        if (ScmNative.RecoveryActionCount(_serviceName) is > 0 and var count)
        {
            Check(ScmNative.ClearRecoveryActions(_serviceName), $"clear the recovery actions of the Windows service '{_serviceName}'; clear them with: sc.exe failure {_serviceName} reset= 0 actions= \"\"");
            changes.Add($"{count} recovery action(s) cleared");
        }

        return changes;
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new ServiceOperationException($"could not {what} (error {error}: {new Win32Exception(error).Message})");
        }
    }

    /// <summary>The service control manager does not tell when a service dies: the supervisor polls <see cref="Observe"/>.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) =>
        OperateAsync("start", c => c.Start(), ServiceState.Running, ServiceState.StartPending, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) =>
        OperateAsync("stop", c => c.Stop(), ServiceState.Stopped, ServiceState.StopPending, cancellationToken);

    public Task PauseAsync(CancellationToken cancellationToken) =>
        OperateAsync("pause", c => c.Pause(), ServiceState.Paused, ServiceState.PausePending, cancellationToken);

    public Task ContinueAsync(CancellationToken cancellationToken) =>
        OperateAsync("continue", c => c.Continue(), ServiceState.Running, ServiceState.ContinuePending, cancellationToken);

    /// <summary>Kills the service's process tree; the SCM then records the service as stopped.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (Observe().ProcessId is not { } pid)
        {
            return;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task OperateAsync(string verb, Action<ServiceController> request, ServiceState target, ServiceState pending, CancellationToken cancellationToken)
    {
        using var controller = new ServiceController(_serviceName);
        try
        {
            if (ScmNative.QueryStatus(controller.ServiceHandle) is not { } status || StateOf(status) != target)
            {
                // The request itself can block (a service that does not answer its control pipe):
                // it runs aside and is bounded by the operation timeout like the wait that follows.
                await Task.Run(() => request(controller), cancellationToken).WaitAsync(definition.OperationTimeout, time, cancellationToken);
            }
        }
        catch (InvalidOperationException exception)
        {
            throw new ServiceOperationException(
                NotFound(exception) ? $"the Windows service '{_serviceName}' was not found" : $"could not {verb} the Windows service '{_serviceName}': {Innermost(exception)}",
                exception);
        }
        catch (System.TimeoutException exception)
        {
            throw new ServiceOperationException(
                $"the service control manager did not take the {verb} request for '{_serviceName}' within {definition.OperationTimeout.TotalSeconds:0.#} s", exception);
        }

        await WaitForAsync(controller, verb, target, pending, cancellationToken);
    }

    /// <summary>
    /// Polls until the target state. The deadline is the operation timeout, pushed back by the
    /// service's wait hint each time its checkpoint advances (the SCM's own rule for pending states).
    /// </summary>
    private async Task WaitForAsync(ServiceController controller, string verb, ServiceState target, ServiceState pending, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var deadline = definition.OperationTimeout;
        var checkpoint = -1;
        while (true)
        {
            var status = ScmNative.QueryStatus(controller.ServiceHandle)
                ?? throw new ServiceOperationException($"lost track of the Windows service '{_serviceName}' while waiting to {verb} it");
            var state = StateOf(status);
            if (state == target)
            {
                return;
            }

            var elapsed = time.GetElapsedTime(started);
            if (state == pending && status.CheckPoint != checkpoint)
            {
                checkpoint = status.CheckPoint;
                var hinted = elapsed + TimeSpan.FromMilliseconds(status.WaitHint);
                deadline = hinted > deadline ? hinted : deadline;
            }
            else if (state != pending && state != PreviousOf(pending))
            {
                var code = ExitCodeOf(status);
                throw new ServiceOperationException($"the Windows service '{_serviceName}' is {state} instead of {target}{(code is { } c and not 0 ? $" (exit code {c})" : "")}");
            }

            if (elapsed > deadline)
            {
                throw new ServiceOperationException($"the Windows service '{_serviceName}' did not {verb} within {deadline.TotalSeconds:0.#} s (still {state})");
            }

            var pause = TimeSpan.FromMilliseconds(Math.Clamp(status.WaitHint / 10, 100, 1000));
            await Task.Delay(pause, time, cancellationToken);
        }
    }

    /// <summary>The state before a request took effect, which is not yet a failure.</summary>
    private static ServiceState PreviousOf(ServiceState pending) => pending switch
    {
        ServiceState.StartPending => ServiceState.Stopped,
        ServiceState.StopPending => ServiceState.Running,
        ServiceState.PausePending => ServiceState.Running,
        ServiceState.ContinuePending => ServiceState.Paused,
        _ => pending,
    };

    /// <summary>The state, with a service whose process has ended counted as stopped whatever the SCM still says.</summary>
    private static ServiceState StateOf(ScmNative.ServiceStatusProcess status) =>
        IsOrphaned(status) ? ServiceState.Stopped : StateOf(status.CurrentState);

    /// <summary>
    /// The SCM lists the service as up but its process is gone. Windows notices a dead service
    /// process at once; some service control managers (Wine's) keep the last reported state, and a
    /// supervisor that believed them would never restart the service.
    /// </summary>
    private static bool IsOrphaned(ScmNative.ServiceStatusProcess status) =>
        status.ProcessId > 0 && StateOf(status.CurrentState) is not ServiceState.Stopped and not ServiceState.Unknown && !ProcessIsAlive(status.ProcessId);

    private static bool ProcessIsAlive(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (Win32Exception)
        {
            // Not ours to open (another account): it exists.
            return true;
        }
    }

    private static ServiceState StateOf(int state) => state switch
    {
        1 => ServiceState.Stopped,
        2 => ServiceState.StartPending,
        3 => ServiceState.StopPending,
        4 => ServiceState.Running,
        5 => ServiceState.ContinuePending,
        6 => ServiceState.PausePending,
        7 => ServiceState.Paused,
        _ => ServiceState.Unknown,
    };

    /// <summary>ERROR_SERVICE_SPECIFIC_ERROR (1066) means the real code is the service-specific one.</summary>
    private static int? ExitCodeOf(ScmNative.ServiceStatusProcess status) =>
        status.Win32ExitCode == 1066 ? status.ServiceSpecificExitCode : status.Win32ExitCode;

    /// <summary>
    /// Start type and account, read again at most every <see cref="ConfigurationRefresh"/>: they
    /// seldom change, and the state is polled several times a second.
    /// </summary>
    private (string? StartType, string? Account) Configuration(ServiceController controller)
    {
        if (_configurationReadAt is not { } readAt || time.GetElapsedTime(readAt) >= ConfigurationRefresh)
        {
            _configuration = (StartTypeOf(controller), ScmNative.QueryAccount(_serviceName));
            _configurationReadAt = time.GetTimestamp();
        }

        return _configuration;
    }

    private static string? StartTypeOf(ServiceController controller)
    {
        try
        {
            return controller.StartType.ToString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool NotFound(InvalidOperationException exception) =>
        exception.InnerException is Win32Exception { NativeErrorCode: 1060 } || exception.Message.Contains("was not found", StringComparison.OrdinalIgnoreCase);

    private static string Innermost(Exception exception) => exception.InnerException?.Message ?? exception.Message;
}
