using System.Threading.Channels;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision.Machine;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Supervision;

/// <summary>
/// The shell around <see cref="SupervisionMachine"/> for one managed service: at every step it
/// observes the service, asks the role gate what it may do, lets the machine decide, and performs
/// what it asks — operations run beside the loop (at most one at a time), so a lease that lapses
/// while a slow start or stop is under way is acted on at once. It also runs the probes, samples the
/// process and publishes the report.
/// </summary>
public sealed partial class SupervisedService : IAsyncDisposable
{
    private readonly ManagedServiceDefinition _definition;
    private readonly SupervisionSettings _settings;
    private readonly IServiceManager _manager;
    private readonly AgentEvents _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ServiceProbes _probes;
    private readonly ProcessMetricsSampler _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IRoleGate _roles;
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly long _origin;
    private readonly Lock _reportGate = new();
    private readonly SourcedDefinition _source;
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private SupervisionState _state;
    private RoleAllowance _permission = RoleAllowance.Unrestricted;
    private (Task<OperationResult> Task, CancellationTokenSource Cancel)? _operation;
    private ServiceReport _report;
    private bool _heldStopped;
    private bool _startsKeptToAgent;

    public SupervisedService(
        ManagedServiceDefinition definition, SourcedDefinition source, RestartPolicy policy, IServiceManager manager, AgentEvents events,
        HttpClient http, IRoleGate roles, TimeProvider time, ILogger logger, string? retiredBecause = null, TimeSpan? machineUptime = null)
    {
        _roles = roles;
        _definition = definition;
        _source = source;
        _manager = manager;
        _events = events;
        _time = time;
        _logger = logger;
        _origin = time.GetTimestamp();
        var pollInterval = definition.Kind.Equals(ServiceKinds.Windows, StringComparison.OrdinalIgnoreCase) ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(2);
        _settings = new SupervisionSettings(definition.Name, policy, pollInterval, retiredBecause);
        _probes = new ServiceProbes(definition, http);
        _metrics = new ProcessMetricsSampler(time);
        // Without the machine's uptime, it counts as up long ago: no start delay is left.
        _state = DelayedStart.Initial(definition.StartDelay, machineUptime ?? TimeSpan.MaxValue, Now);
        _report = new ServiceReport { Name = definition.Name, Kind = definition.Kind.ToLowerInvariant(), State = ServiceState.Unknown, Health = ServiceHealth.Unknown, Reason = "not observed yet" };
    }

    public string Name => _definition.Name;

    public ManagedServiceDefinition Definition => _definition;

    /// <summary>A failover-group member no longer defined here, held stopped until its group releases it.</summary>
    public bool Retired => _settings.Retired is not null;

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
        FailRequests($"{Name} is no longer supervised ({why})");
        if (_operation is { } operation)
        {
            await operation.Cancel.CancelAsync();
            await ((Task)operation.Task).WaitAsync(_definition.OperationTimeout, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _operation = null;
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
                Step(cancellationToken);
                await WaitForNextStepAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogStepFailed(exception, Name);
                await Task.Delay(_settings.PollInterval, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Step(CancellationToken cancellationToken)
    {
        TakeRequests();
        var now = Now;
        _permission = _roles.PermissionFor(Name);
        KeepStartsToTheAgentOnceMember();
        var completed = TakeCompletion();
        var observation = _manager.Observe();
        var failing = SupervisionMachine.ProbesCount(_state, observation)
            ? _probes.Collect(now, now - (_state.StartedAt ?? now) < _definition.StartupGrace, _events, Name)
            : null;
        var step = SupervisionMachine.Step(_settings, _state, new SupervisionInputs
        {
            Now = now,
            Observation = observation,
            Permission = _permission,
            Completed = completed,
            FailingProbe = failing,
            Probes = _probes.Statuses,
            Random = Random.Shared.NextDouble(),
        });
        _state = step.State;
        foreach (var effect in step.Effects)
        {
            Perform(effect, now, cancellationToken);
        }

        if (SupervisionMachine.ProbesCount(_state, observation) && _state.GaveUp is null)
        {
            _probes.Launch(now, cancellationToken);
        }

        Publish(step, observation);
    }

    private void Perform(SupervisionEffect effect, TimeSpan now, CancellationToken cancellationToken)
    {
        switch (effect)
        {
            case SupervisionEffect.Begin begin:
                _operation?.Cancel.Cancel();
                var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _operation = (RunOperationAsync(begin.Operation.Kind, cancel.Token), cancel);
                break;
            case SupervisionEffect.CancelOperation:
                _operation?.Cancel.Cancel();
                break;
            case SupervisionEffect.Record record:
                _events.Record(record.Kind, Name, record.Message, record.ExitCode);
                break;
            case SupervisionEffect.ResetProbes:
                _probes.Reset(now);
                break;
            case SupervisionEffect.Complete complete:
                CompleteRequest(complete);
                break;
        }
    }

    /// <summary>The end of the operation under way, once it has ended.</summary>
    private OperationResult? TakeCompletion()
    {
        if (_operation is not { Task.IsCompleted: true } operation)
        {
            return null;
        }

        _operation = null;
        operation.Cancel.Dispose();
        return operation.Task.IsCompletedSuccessfully
            ? operation.Task.Result
            : new OperationResult.Failure(operation.Task.Exception?.GetBaseException().Message ?? "the operation failed");
    }

    /// <summary>One operation on the service, its failure told as the machine understands it.</summary>
    private async Task<OperationResult> RunOperationAsync(OperationKind kind, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var operation = kind switch
            {
                OperationKind.Start => _manager.StartAsync(cancellationToken),
                OperationKind.Stop => _manager.StopAsync(cancellationToken),
                OperationKind.Kill => _manager.KillAsync(cancellationToken).WaitAsync(_definition.OperationTimeout, _time, cancellationToken),
                OperationKind.Pause => _manager.PauseAsync(cancellationToken),
                _ => _manager.ContinueAsync(cancellationToken),
            };
            await operation;
            return OperationResult.Succeeded;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return OperationResult.Cancelled;
        }
        catch (ServiceOperationException exception)
        {
            return new OperationResult.Failure(exception.Message, exception.Key is { } key ? _source.KeyOf(key) : null);
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return new OperationResult.Failure(exception.Message);
        }
        finally
        {
            Nudge();
        }
    }

    /// <summary>
    /// When the service becomes a member of a failover group, its manager makes sure nothing but the
    /// agent starts it (the windows kind: start type Manual, no recovery actions); a change is logged
    /// as a warning and recorded as an event. Checked again each time it becomes a member.
    /// </summary>
    private void KeepStartsToTheAgentOnceMember()
    {
        var member = _permission.Role is not null;
        if (member == _startsKeptToAgent)
        {
            return;
        }

        _startsKeptToAgent = member;
        if (!member)
        {
            return;
        }

        try
        {
            var changes = _manager.KeepStartsToTheAgent();
            if (changes.Count > 0)
            {
                var what = string.Join("; ", changes);
                LogStartsTakenOver(Name, _permission.Role!.GroupName, what);
                _events.Record(AgentEventKind.ConfigApplied, Name, $"warning: {Name} is a member of failover group {_permission.Role.GroupName}, so only the agent may start it: {what}");
            }
        }
        catch (ServiceOperationException exception)
        {
            LogStartsNotTakenOver(Name, _permission.Role!.GroupName, exception.Message);
            _events.Record(AgentEventKind.ConfigRejected, Name, $"{Name} is a member of failover group {_permission.Role.GroupName} but its operating system may still start it: {exception.Message}");
        }
    }

    private void Publish(SupervisionStep step, ServiceObservation observation)
    {
        var healthChanged = step.Health != _report.Health;
        lock (_reportGate)
        {
            _report = _report with
            {
                State = observation.State,
                Health = step.Health,
                Reason = PrintableText.Of(step.Reason, MessageLimits.ReasonMaxLength),
                ProcessId = observation.ProcessId,
                StartType = TruncatedOrNull(observation.StartType),
                Account = TruncatedOrNull(observation.Account),
                RestartCount = step.RestartCount,
            };
            _heldStopped = observation.State == ServiceState.Stopped && _state.Running is null && !_permission.MayStart;
            _published.TrySetResult();
            _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (healthChanged)
        {
            _roles.HealthChanged(Name);
        }
    }

    /// <summary>Sleeps until something is due: the process exits, a probe or an operation ends, a request or a nudge comes, or the machine's next step is due.</summary>
    private async Task WaitForNextStepAsync(CancellationToken cancellationToken)
    {
        var next = SupervisionMachine.NextStepIn(_settings, _state, _permission, Now);
        if (_state.LastState == ServiceState.Running && _state.Running is null && _probes.NextDue(Now) is { } probeDue)
        {
            next = next < probeDue ? next : probeDue;
        }

        if (next <= TimeSpan.Zero || _operation is { Task.IsCompleted: true })
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = new List<Task> { Task.Delay(next, _time, wake.Token), _manager.WaitForExitAsync(wake.Token), _nudges.Reader.ReadAsync(wake.Token).AsTask() };
        waits.AddRange(_probes.Running);
        if (_operation is { } operation)
        {
            waits.Add(operation.Task);
        }

        await Task.WhenAny(waits);
        await wake.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static string? TruncatedOrNull(string? text) => text is null ? null : PrintableText.Of(text, MessageLimits.ServiceAttributeMaxLength);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} is a member of failover group {Group}, so only the agent may start it: {Changes}")]
    private partial void LogStartsTakenOver(string service, string group, string changes);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Service} is a member of failover group {Group} but the agent could not make sure only it starts the service: {Reason}")]
    private partial void LogStartsNotTakenOver(string service, string group, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Supervision of {Service} hit an unexpected error; it carries on")]
    private partial void LogStepFailed(Exception exception, string service);
}
