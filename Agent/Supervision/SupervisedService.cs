using System.Threading.Channels;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Probes;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Supervision;

/// <summary>
/// Watches and heals one managed service, on its own loop: notices exits, restarts by the restart
/// policy, runs the probes, decides health, and records events. The decisions are the pure functions
/// of <see cref="Policy"/>; this class only observes, applies and remembers. A member of a failover
/// group runs only as its role allows (<see cref="IRoleGate"/>), and operator commands are carried out
/// on the same loop, one at a time.
/// </summary>
public sealed partial class SupervisedService : IAsyncDisposable
{
    private readonly ManagedServiceDefinition _definition;
    private readonly RestartPolicy _policy;
    private readonly IServiceManager _manager;
    private readonly AgentEvents _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _pollInterval;
    private readonly ServiceProbes _probes;
    private readonly ProcessMetricsSampler _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IRoleGate _roles;
    private readonly Channel<ControlRequest> _requests = Channel.CreateUnbounded<ControlRequest>();
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RoleAllowance _permission = RoleAllowance.Unrestricted;
    private bool _heldByOperator;
    private readonly long _origin;
    private readonly Lock _reportGate = new();
    private Task _loop = Task.CompletedTask;
    private RestartHistory _history = RestartHistory.Empty;
    private ServiceState _lastState = ServiceState.Unknown;
    private TimeSpan? _startDue = TimeSpan.Zero;
    private string? _startReason;
    private string? _gaveUp;
    private string? _lastError;
    private TimeSpan? _startedAt;
    private TimeSpan? _healthySince;
    private ServiceReport _report;

    private readonly SourcedDefinition _source;

    public SupervisedService(
        ManagedServiceDefinition definition, SourcedDefinition source, RestartPolicy policy, IServiceManager manager, AgentEvents events,
        HttpClient http, IRoleGate roles, TimeProvider time, ILogger logger)
    {
        _roles = roles;
        _definition = definition;
        _source = source;
        _policy = policy;
        _manager = manager;
        _events = events;
        _time = time;
        _logger = logger;
        _origin = time.GetTimestamp();
        _pollInterval = definition.Kind.Equals(ServiceKinds.Windows, StringComparison.OrdinalIgnoreCase) ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(2);
        _probes = new ServiceProbes(definition, http);
        _metrics = new ProcessMetricsSampler(time);
        _report = new ServiceReport { Name = definition.Name, Kind = definition.Kind.ToLowerInvariant(), State = ServiceState.Unknown, Health = ServiceHealth.Unknown, Reason = "not observed yet" };
    }

    public string Name => _definition.Name;

    public ManagedServiceDefinition Definition => _definition;

    /// <summary>The definition with where it came from, as it was accepted.</summary>
    public SourcedDefinition Source => _source;

    public void Start() => _loop = RunAsync(_stopping.Token);

    /// <summary>The latest report, with the process figures sampled now.</summary>
    public ServiceReport Report()
    {
        lock (_reportGate)
        {
            return _metrics.AddTo(_report, _report.ProcessId);
        }
    }

    /// <summary>Stops the loop; the service itself is stopped only when <paramref name="stopService"/> says so.</summary>
    public async Task StopSupervisingAsync(bool stopService, string why, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _requests.Writer.TryComplete();
        while (_requests.Reader.TryRead(out var left))
        {
            left.Completion.TrySetException(new ServiceOperationException($"{Name} is no longer supervised ({why})"));
        }

        if (stopService)
        {
            try
            {
                await _manager.StopAsync(cancellationToken);
                _events.Record(AgentEventKind.ServiceStopped, Name, $"stopped {why}");
            }
            catch (ServiceOperationException exception)
            {
                _events.Record(AgentEventKind.ServiceStopped, Name, $"could not stop {why}: {exception.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopSupervisingAsync(stopService: false, "", CancellationToken.None);
        await _manager.DisposeAsync();
        _stopping.Dispose();
    }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // The loop runs beside its caller, never inside the supervisor's lock.
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StepAsync(cancellationToken);
                await WaitForNextStepAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogStepFailed(exception, Name);
                await Task.Delay(_pollInterval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task StepAsync(CancellationToken cancellationToken)
    {
        while (_requests.Reader.TryRead(out var request))
        {
            await CarryOutAsync(request, cancellationToken);
        }

        _permission = _roles.PermissionFor(Name);
        var observation = _manager.Observe();
        NoticeChange(observation);
        if (!_permission.MayKeepRunning && IsUp(observation.State))
        {
            observation = await HoldAsync(cancellationToken);
        }

        if (_permission.Role is { Active: false } && _gaveUp is not null)
        {
            // A failed active that became a standby starts over: the control plane remembers its failures.
            _gaveUp = null;
            _history = RestartHistory.Empty;
            _startDue = Now;
        }

        if (observation.State == ServiceState.Stopped && _startDue is { } due && Now >= due && _permission.MayStart && !_heldByOperator)
        {
            observation = await StartAsync(cancellationToken);
        }

        if (observation.State == ServiceState.Running)
        {
            var failing = _probes.Collect(Now, Now - (_startedAt ?? Now) < _definition.StartupGrace, _events, Name);
            if (failing is not null && _gaveUp is null)
            {
                observation = await RestartForProbeAsync(failing, cancellationToken);
            }
            else
            {
                _probes.Launch(Now, cancellationToken);
            }
        }

        Publish(observation);
    }

    /// <summary>Notices what changed since the last look: a start seen, or an exit nobody asked for.</summary>
    private void NoticeChange(ServiceObservation observation)
    {
        var wasUp = _lastState is ServiceState.Running or ServiceState.Paused or ServiceState.StopPending or ServiceState.PausePending or ServiceState.ContinuePending;
        if (observation.State == ServiceState.Running && _lastState != ServiceState.Running && _lastState != ServiceState.Paused)
        {
            // Running without the agent starting it now: adopted at start, or started by someone else.
            _startedAt ??= Now;
            _startDue = null;
            _gaveUp = null;
            _probes.Reset(Now);
        }

        if (wasUp && observation.State == ServiceState.Stopped)
        {
            var ranFor = Now - (_startedAt ?? Now);
            var what = observation.ExitCode is { } code ? $"exited with code {code}" : observation.Detail ?? "stopped unexpectedly";
            _events.Record(AgentEventKind.ServiceExited, Name, $"{what} after {RestartDecisions.Describe(ranFor)}", observation.ExitCode);
            AfterFailure(what, ranFor);
        }

        _lastState = observation.State;
    }

    private async Task<ServiceObservation> StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _manager.StartAsync(cancellationToken);
            var observation = _manager.Observe();
            _lastError = null;
            _startedAt = Now;
            _startDue = null;
            _lastState = observation.State;
            _probes.Reset(Now);
            var policy = CurrentPolicy;
            var restarts = _history.CountWithin(policy.Window, Now);
            _events.Record(AgentEventKind.ServiceStarted, Name, restarts == 0
                ? $"started{Pid(observation)}"
                : $"started again{Pid(observation)} (restart {restarts} of {policy.MaxRestarts})");
            return observation;
        }
        catch (ServiceOperationException exception)
        {
            _lastError = exception.Key is { } key ? $"could not start: {exception.Message} ({_source.KeyOf(key)})" : $"could not start: {exception.Message}";
            _events.Record(AgentEventKind.ServiceExited, Name, _lastError);
            AfterFailure(_lastError, TimeSpan.Zero);
            return _manager.Observe();
        }
    }

    private async Task<ServiceObservation> RestartForProbeAsync(ProbeStatus failing, CancellationToken cancellationToken)
    {
        var ranFor = Now - (_startedAt ?? Now);
        var what = $"probe {failing.Name} failing ({failing.LastDetail})";
        try
        {
            await _manager.StopAsync(cancellationToken);
        }
        catch (ServiceOperationException exception)
        {
            // A service that will not stop is ended: a restart that leaves the failing instance up heals nothing.
            _events.Record(AgentEventKind.ServiceExited, Name, $"could not stop after {what}: {exception.Message}; ending its processes");
            await KillQuietlyAsync(cancellationToken);
        }

        var observation = _manager.Observe();
        _lastState = observation.State;
        _probes.Reset(Now);
        AfterFailure(what, ranFor);
        if (observation.State != ServiceState.Stopped)
        {
            // Still up: judge it afresh after a new grace, so a lasting failure comes back here and spends the budget.
            _lastError = $"could not stop after {what}; still {observation.State}";
            _startedAt = Now;
        }

        return observation;
    }

    /// <summary>Applies the restart policy to a failure and records what was decided.</summary>
    private void AfterFailure(string what, TimeSpan ranFor)
    {
        _startedAt = null;
        _healthySince = null;
        var (decision, history) = RestartDecisions.OnFailure(CurrentPolicy, _history, Now, ranFor, Random.Shared.NextDouble());
        _history = history;
        switch (decision)
        {
            case RestartDecision.Restart restart:
                _startDue = Now + restart.Delay;
                _startReason = $"{what}; {restart.Reason}";
                _events.Record(AgentEventKind.ServiceRestarting, Name, _startReason);
                break;
            case RestartDecision.GiveUp giveUp:
                _startDue = null;
                _gaveUp = $"{what}; {giveUp.Reason}";
                _events.Record(AgentEventKind.ServiceGaveUp, Name, $"{_gaveUp}; left stopped until an operator starts it");
                break;
            case RestartDecision.Leave leave:
                _startDue = null;
                _startReason = $"{what}; {leave.Reason}";
                break;
        }
    }

    private void Publish(ServiceObservation observation)
    {
        var held = _heldByOperator ? "stopped by an operator" : _permission.MayStart ? null : _permission.Reason;
        var (health, reason) = HealthRules.Evaluate(new HealthInputs
        {
            State = observation.State,
            StateDetail = held ?? _lastError ?? observation.Detail,
            WantedRunning = held is null,
            GaveUp = _gaveUp,
            PendingRestart = held is null && _startDue is not null && observation.State == ServiceState.Stopped ? _startReason : null,
            Probes = _probes.Statuses,
        });

        var policy = CurrentPolicy;
        if (health == ServiceHealth.Healthy)
        {
            _healthySince ??= Now;
            _history = RestartDecisions.OnHealthy(policy, _history, Now - _healthySince.Value);
        }
        else
        {
            _healthySince = null;
        }

        var healthChanged = health != _report.Health;
        lock (_reportGate)
        {
            _report = _report with
            {
                State = observation.State,
                Health = health,
                Reason = Truncated(reason, MessageLimits.ReasonMaxLength),
                ProcessId = observation.ProcessId,
                StartType = TruncatedOrNull(observation.StartType),
                Account = TruncatedOrNull(observation.Account),
                RestartCount = _history.CountWithin(policy.Window, Now),
            };
            _published.TrySetResult();
            _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (healthChanged)
        {
            _roles.HealthChanged(Name);
        }
    }

    /// <summary>Sleeps until something is due: the process exits, a probe finishes or is due, a restart is due, or the poll interval passes.</summary>
    private async Task WaitForNextStepAsync(CancellationToken cancellationToken)
    {
        // Only what can act in the current state counts, so an unknown or unstartable service never spins.
        var next = _pollInterval;
        if (_startDue is { } due && _lastState == ServiceState.Stopped && _permission.MayStart && !_heldByOperator)
        {
            next = Min(next, due - Now);
        }

        if (_lastState == ServiceState.Running && _probes.NextDue(Now) is { } probeDue)
        {
            next = Min(next, probeDue);
        }

        if (_permission.ReviewIn is { } review)
        {
            next = Min(next, review);
        }

        if (next <= TimeSpan.Zero)
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = new List<Task> { Task.Delay(next, _time, wake.Token), _manager.WaitForExitAsync(wake.Token), _nudges.Reader.ReadAsync(wake.Token).AsTask() };
        waits.AddRange(_probes.Running);
        await Task.WhenAny(waits);
        await wake.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task KillQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _manager.KillAsync(cancellationToken).WaitAsync(_definition.OperationTimeout, _time, cancellationToken);
        }
        catch (Exception exception) when (exception is ServiceOperationException or TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            _events.Record(AgentEventKind.ServiceExited, Name, $"could not end its processes either: {exception.Message}");
        }
    }

    /// <summary>The restart policy in force: an active failover-group member gets the group's small local budget, so a standby takes over instead of a crash loop.</summary>
    private RestartPolicy CurrentPolicy => _permission.Role is { Active: true } role
        ? _policy with { MaxRestarts = role.LocalRestarts, Window = role.LocalRestartWindow }
        : _policy;

    private static bool IsUp(ServiceState state) =>
        state is ServiceState.Running or ServiceState.Paused or ServiceState.StartPending or ServiceState.PausePending or ServiceState.ContinuePending;

    private static string Truncated(string text, int maxLength) => text.Length <= maxLength ? text : text[..maxLength];

    private static string? TruncatedOrNull(string? text) => text is null ? null : Truncated(text, MessageLimits.ServiceAttributeMaxLength);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Pid(ServiceObservation observation) => observation.ProcessId is { } pid ? $", pid {pid}" : "";

    [LoggerMessage(Level = LogLevel.Error, Message = "Supervision of {Service} hit an unexpected error; it carries on")]
    private partial void LogStepFailed(Exception exception, string service);
}
