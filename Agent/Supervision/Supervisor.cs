using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Vigil.Agent.Configuration;
using Vigil.Agent.Connection;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision.Policy;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision;

/// <summary>
/// Runs one <see cref="SupervisedService"/> per configured service, and keeps the set in step with
/// the configuration: the agent's file (re-read when it changes, no restart needed) merged with the
/// control plane's desired configuration. A rejected definition is reported with its key; the others run.
/// </summary>
public sealed partial class Supervisor(
    IConfiguration configuration,
    IOptions<AgentOptions> options,
    DesiredConfigurationStore desired,
    ServiceManagerFactory managers,
    AgentEvents events,
    RoleKeeper roles,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IServiceReports
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, SupervisedService> _services = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly HashSet<string> _reportedRejections = [];
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

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        roles.Changed -= Nudge;
        await base.StopAsync(cancellationToken);
        List<SupervisedService> services;
        lock (_gate)
        {
            services = [.. _services.Values];
            _services.Clear();
        }

        // An active member with isolation Stop goes with the agent: nobody could fence it while the agent is away.
        bool StopsWithAgent(SupervisedService service) => service.Definition.StopWithAgent || roles.RoleOf(service.Name) is { Isolation: Shared.Roles.IsolationPolicy.Stop };
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
        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var fileChanges = ChangeToken.OnChange(configuration.GetReloadToken, () => changes.Writer.TryWrite(true));
        void OnDesiredChanged() => changes.Writer.TryWrite(true);
        desired.Changed += OnDesiredChanged;
        roles.Changed += Nudge;
        try
        {
            await ApplyAsync(stoppingToken);
            while (await changes.Reader.WaitToReadAsync(stoppingToken))
            {
                // Editors save in several writes: let the file settle.
                await Task.Delay(SettleTime, time, stoppingToken);
                changes.Reader.TryRead(out _);
                await ApplyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            desired.Changed -= OnDesiredChanged;
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
                if (rejection.Service is { } name && !wanted.ContainsKey(name) && _services.TryGetValue(name, out var running))
                {
                    wanted[name] = running.Source;
                }
            }
        }

        List<SupervisedService> removed;
        var added = new List<string>();
        var changed = new List<string>();
        lock (_gate)
        {
            removed = [.. _services.Values.Where(s => !wanted.TryGetValue(s.Name, out var next) || !Same(s.Definition, next.Definition))];
            foreach (var service in removed)
            {
                _services.Remove(service.Name);
                (wanted.ContainsKey(service.Name) ? changed : null)?.Add(service.Name);
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
                if (_services.ContainsKey(name))
                {
                    continue;
                }

                var service = Create(sourced);
                _services[name] = service;
                service.Start();
                if (!changed.Contains(name))
                {
                    added.Add(name);
                }
            }
        }

        var gone = removed.Select(s => s.Name).Except(changed).ToList();
        if (added.Count + changed.Count + gone.Count > 0)
        {
            events.Record(AgentEventKind.ConfigApplied, null, Describe(wanted.Count, desiredNow.Version, added, changed, gone));
        }
    }

    private SupervisedService Create(SourcedDefinition sourced)
    {
        var definition = sourced.Definition with { Kind = sourced.Definition.Kind.ToLowerInvariant() };
        var policy = RestartPolicy.Resolve(options.Value.RestartDefaults, definition.Restart);
        var manager = managers.Create(definition, options.Value.DataDirectory!, () => roles.RoleOf(definition.Name) is { Isolation: Shared.Roles.IsolationPolicy.Stop });
        return new SupervisedService(definition, sourced, policy, manager, events, _probeClient, roles, time, loggers.CreateLogger<SupervisedService>());
    }

    private void Nudge(string service) => Find(service)?.Nudge();

    private static bool Same(ManagedServiceDefinition a, ManagedServiceDefinition b) =>
        JsonSerializer.Serialize(a with { Kind = a.Kind.ToLowerInvariant() }) == JsonSerializer.Serialize(b with { Kind = b.Kind.ToLowerInvariant() });

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
}

/// <summary>The current report of every managed service, for heartbeats.</summary>
public interface IServiceReports
{
    IReadOnlyList<ServiceReport> Reports();
}
