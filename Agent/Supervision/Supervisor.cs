using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Vigil.Agent.Configuration;
using Vigil.Agent.Connection;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Storage;
using Vigil.Agent.Supervision.Members;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision;

/// <summary>
/// Runs one <see cref="SupervisedService"/> per configured service, and keeps the set in step with
/// the configuration: the agent's file (re-read when it changes, no restart needed) merged with the
/// control plane's desired configuration. A rejected definition is reported with its key; the others
/// run. A failover-group member whose definition goes away stays supervised, retired: fenced and
/// held until its group releases it. On a graceful stop the active roles are given up and their
/// services fenced before the agent says goodbye.
/// </summary>
public sealed partial class Supervisor(
    IConfiguration configuration,
    IOptions<AgentOptions> options,
    DesiredConfigurationStore desired,
    ServiceManagerFactory managers,
    AgentEvents events,
    RoleKeeper roles,
    MachineUptime uptime,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IServiceReports, IHostedLifecycleService
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, SupervisedService> _services = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly HashSet<string> _reportedRejections = [];
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly MemberDefinitions _members = new(options.Value.DataDirectory!);
    private readonly HttpClient _probeClient = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly ILogger _logger = loggers.CreateLogger<Supervisor>();

    public IReadOnlyList<ServiceReport> Reports()
    {
        lock (_gate)
        {
            return [.. _services.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(s => s.Report())];
        }
    }

    /// <summary>The supervised service of that name, or null.</summary>
    public SupervisedService? Find(string name)
    {
        lock (_gate)
        {
            return _services.GetValueOrDefault(name);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Before anything stops (the connection included, so heartbeats still carry it): every active
    /// role is given up and its service fenced — stopped, killed at half the fence allowance — so the
    /// control plane can move the role as soon as it hears the service is down.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var fenced = roles.StandDown();
        var services = fenced.Select(Find).OfType<SupervisedService>().ToList();
        if (services.Count == 0)
        {
            return;
        }

        var allowance = roles.Roles().Select(r => r.FenceAllowance).DefaultIfEmpty(TimeSpan.FromSeconds(1)).Max();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(allowance + TimeSpan.FromSeconds(1));
        try
        {
            await Task.WhenAll(services.Select(s => s.WaitForReportAsync(r => r.State is ServiceState.Stopped or ServiceState.Unknown, deadline.Token)));
        }
        catch (OperationCanceledException)
        {
            LogFenceUnfinished(string.Join(", ", services.Where(s => s.Report().State is not (ServiceState.Stopped or ServiceState.Unknown)).Select(s => s.Name)));
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        roles.Changed -= OnRoleChanged;
        roles.AllChanged -= NudgeAll;
        await base.StopAsync(cancellationToken);
        List<SupervisedService> services;
        lock (_gate)
        {
            services = [.. _services.Values];
            _services.Clear();
        }

        // A member of a group with isolation Stop goes with the agent: nobody could fence it while the agent is away.
        bool StopsWithAgent(SupervisedService service) =>
            service.Definition.StopWithAgent || roles.RoleOf(service.Name) is { Isolation: Shared.Roles.IsolationPolicy.Stop, Active: true } or { StoodDown: true };
        var stopped = services.Where(StopsWithAgent).Select(s => s.Name).ToList();
        events.Record(AgentEventKind.AgentStopping, null, stopped.Count == 0
            ? "agent stopping; managed services keep running"
            : $"agent stopping; stopping {string.Join(", ", stopped)} with it, the others keep running");
        await Task.WhenAll(services.Select(async service =>
        {
            await service.StopSupervisingAsync(StopsWithAgent(service), "with the agent", cancellationToken);
            await service.DisposeAsync();
        }));
        _probeClient.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Record(AgentEventKind.AgentStarted, null, $"agent {AgentDescription.Version} started, pid {Environment.ProcessId}");
        using var fileChanges = ChangeToken.OnChange(configuration.GetReloadToken, () => _changes.Writer.TryWrite(true));
        void OnDesiredChanged() => _changes.Writer.TryWrite(true);
        desired.Changed += OnDesiredChanged;
        roles.Changed += OnRoleChanged;
        roles.AllChanged += NudgeAll;
        try
        {
            await ApplyAsync(stoppingToken);
            while (await _changes.Reader.WaitToReadAsync(stoppingToken))
            {
                // Editors save in several writes: let the file settle.
                await Task.Delay(SettleTime, time, stoppingToken);
                _changes.Reader.TryRead(out _);
                await ApplyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // A run that failed is started again and subscribes again.
            desired.Changed -= OnDesiredChanged;
            roles.Changed -= OnRoleChanged;
            roles.AllChanged -= NudgeAll;
        }
    }

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var desiredNow = desired.Current;
        var (accepted, rejected) = EffectiveServices.Merge(LocalServiceDefinitions.Read(configuration), desiredNow, options.Value.RemoteExecution.ToPolicy());
        foreach (var rejection in rejected)
        {
            if (_reportedRejections.Add(rejection.ToString()))
            {
                events.Record(AgentEventKind.ConfigRejected, rejection.Service, $"rejected {rejection}");
            }
        }

        var wanted = accepted.ToDictionary(s => s.Definition.Name, StringComparer.OrdinalIgnoreCase);
        lock (_gate)
        {
            // A broken edit of a running service leaves the definition it runs under in force.
            foreach (var rejection in rejected)
            {
                if (rejection.Service is { } name && !wanted.ContainsKey(name) && _services.TryGetValue(name, out var running) && !running.Retired)
                {
                    wanted[name] = running.Source;
                }
            }
        }

        var retired = Retire(wanted);
        List<SupervisedService> removed;
        var added = new List<string>();
        var changed = new List<string>();
        lock (_gate)
        {
            removed = [.. _services.Values.Where(s => !Keeps(s, wanted, retired))];
            foreach (var service in removed)
            {
                _services.Remove(service.Name);
                (wanted.ContainsKey(service.Name) || retired.ContainsKey(service.Name) ? changed : null)?.Add(service.Name);
            }
        }

        foreach (var service in removed)
        {
            // A process the agent launched goes with its definition; a Windows service is only no longer watched.
            var stop = !changed.Contains(service.Name) && service.Definition.Kind.Equals(ServiceKinds.Process, StringComparison.OrdinalIgnoreCase);
            await service.StopSupervisingAsync(stop, "removed from the configuration", cancellationToken);
            await service.DisposeAsync();
        }

        lock (_gate)
        {
            foreach (var (name, sourced) in wanted)
            {
                if (!_services.ContainsKey(name))
                {
                    Add(Create(sourced), changed.Contains(name) ? null : added);
                }
            }

            foreach (var (name, (definition, why)) in retired)
            {
                if (!_services.ContainsKey(name))
                {
                    Add(Create(new SourcedDefinition(definition, "the last accepted definition"), why), null);
                    events.Record(AgentEventKind.Fenced, name, why);
                }
            }
        }

        _members.Keep(wanted.Values.Select(s => s.Definition).Where(d => roles.RoleOf(d.Name) is not null));
        var gone = removed.Select(s => s.Name).Except(changed).ToList();
        if (added.Count + changed.Count + gone.Count > 0)
        {
            events.Record(AgentEventKind.ConfigApplied, null, Describe(wanted.Count, desiredNow.Version, added, changed, gone));
        }
    }

    /// <summary>Failover-group members that are no longer defined, with the definition to reach them by and why they are held.</summary>
    private Dictionary<string, (ManagedServiceDefinition Definition, string Why)> Retire(Dictionary<string, SourcedDefinition> wanted)
    {
        var retired = new Dictionary<string, (ManagedServiceDefinition, string)>(StringComparer.OrdinalIgnoreCase);
        foreach (var role in roles.Roles().Where(r => !wanted.ContainsKey(r.Service)))
        {
            var definition = Find(role.Service)?.Definition ?? _members.Find(role.Service);
            var why = $"{role.Service} is a member of failover group {role.GroupName} but no longer defined on this node; held stopped until it is removed from the group";
            if (definition is null)
            {
                LogMemberUnknown(role.Service, role.GroupName);
                continue;
            }

            retired[role.Service] = (definition, why);
        }

        return retired;
    }

    private static bool Keeps(SupervisedService service, Dictionary<string, SourcedDefinition> wanted, Dictionary<string, (ManagedServiceDefinition Definition, string Why)> retired) =>
        wanted.TryGetValue(service.Name, out var next)
            ? !service.Retired && Same(service.Definition, next.Definition)
            : service.Retired && retired.ContainsKey(service.Name);

    private void Add(SupervisedService service, List<string>? added)
    {
        _services[service.Name] = service;
        service.Start();
        added?.Add(service.Name);
    }

    private SupervisedService Create(SourcedDefinition sourced, string? retiredBecause = null)
    {
        var definition = sourced.Definition with { Kind = sourced.Definition.Kind.ToLowerInvariant() };
        var policy = RestartPolicy.Resolve(options.Value.RestartDefaults, definition.Restart);
        var manager = managers.Create(
            definition,
            options.Value.DataDirectory!,
            () => roles.RoleOf(definition.Name) is { Isolation: Shared.Roles.IsolationPolicy.Stop },
            (kind, message) => events.Record(kind, definition.Name, message));
        IRoleGate gate = retiredBecause is null ? roles : new RetiredMemberGate(roles, retiredBecause);
        return new SupervisedService(definition, sourced, policy, manager, events, _probeClient, gate, time, loggers.CreateLogger<SupervisedService>(), retiredBecause, uptime.Now);
    }

    /// <summary>A role changed: the service looks again, and a role gained or lost by a service not (or no longer) defined changes the set.</summary>
    private void OnRoleChanged(string service)
    {
        var supervised = Find(service);
        supervised?.Nudge();
        if (supervised is null || supervised.Retired || roles.RoleOf(service) is null)
        {
            _changes.Writer.TryWrite(true);
        }
    }

    private void NudgeAll()
    {
        lock (_gate)
        {
            foreach (var service in _services.Values)
            {
                service.Nudge();
            }
        }
    }

    private static bool Same(ManagedServiceDefinition a, ManagedServiceDefinition b) =>
        JsonSerializer.Serialize(a with { Kind = a.Kind.ToLowerInvariant() }, AgentLineJson.Default.ManagedServiceDefinition)
        == JsonSerializer.Serialize(b with { Kind = b.Kind.ToLowerInvariant() }, AgentLineJson.Default.ManagedServiceDefinition);

    private static string Describe(int count, long desiredVersion, List<string> added, List<string> changed, List<string> removed)
    {
        var parts = new List<string>();
        if (added.Count > 0)
        {
            parts.Add($"added {string.Join(", ", added)}");
        }

        if (changed.Count > 0)
        {
            parts.Add($"changed {string.Join(", ", changed)}");
        }

        if (removed.Count > 0)
        {
            parts.Add($"removed {string.Join(", ", removed)}");
        }

        var source = desiredVersion > 0 ? $"local file and desired configuration v{desiredVersion}" : "local file";
        return $"{count} managed service(s) from the {source}: {string.Join("; ", parts)}";
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Service} is a member of failover group {Group} but neither defined on this node nor known from before: it cannot be fenced. Define it again, or remove it from the group")]
    private partial void LogMemberUnknown(string service, string group);

    [LoggerMessage(Level = LogLevel.Error, Message = "The agent is stopping but {Services} did not stop within the fence allowance; the control plane will wait for their leases to end")]
    private partial void LogFenceUnfinished(string services);
}

/// <summary>The current report of every managed service, for heartbeats.</summary>
public interface IServiceReports
{
    IReadOnlyList<ServiceReport> Reports();
}
