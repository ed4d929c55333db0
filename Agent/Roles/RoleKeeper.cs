using System.Text.Json;
using System.Threading.Channels;
using Vigil.Agent.Events;
using Vigil.Agent.Storage;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;

namespace Vigil.Agent.Roles;

/// <summary>
/// The shell around the <see cref="RoleBook"/>: keeps it on disk (epochs and roles, never leases),
/// tells the supervisor which service to look at again when a role changes or a lease ends, and
/// records the changes as events. Thread-safe.
/// </summary>
public sealed partial class RoleKeeper : BackgroundService, IRoleGate
{
    private readonly string _path;
    private readonly string _backupPath;
    private readonly AgentEvents _events;
    private readonly TimeProvider _time;
    private readonly ILogger<RoleKeeper> _logger;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private readonly RoleBook _book;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<Guid> _fenced = [];

    public RoleKeeper(string dataDirectory, AgentEvents events, TimeProvider time, ILogger<RoleKeeper> logger)
    {
        _path = Path.Combine(dataDirectory, "roles.json");
        _backupPath = Path.Combine(dataDirectory, "roles.backup.json");
        _events = events;
        _time = time;
        _logger = logger;
        _origin = time.GetTimestamp();
        _book = Load();
    }

    /// <summary>Raised with the service's name when what it may do has changed.</summary>
    public event Action<string>? Changed;

    /// <summary>Raised when what every managed service may do may have changed (memberships learned).</summary>
    public event Action? AllChanged;

    /// <summary>Raised when the control plane should hear from this node at once (a new active role wants its lease).</summary>
    public event Action? HeartbeatWanted;

    /// <summary>Monotonic "now" of the role logic; heartbeats note it when they are sent.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_origin);

    public RoleAllowance PermissionFor(string service)
    {
        lock (_gate)
        {
            return _book.PermissionFor(service, Now);
        }
    }

    public GroupRole? RoleOf(string service)
    {
        lock (_gate)
        {
            return _book.ForService(service);
        }
    }

    public IReadOnlyList<GroupRole> Roles()
    {
        lock (_gate)
        {
            return [.. _book.Roles];
        }
    }

    /// <summary>Why an Activate with this grant would be refused (a stale epoch, another group's service, an epoch this node gave up); null when it would be accepted.</summary>
    public string? ActivationRefusal(RoleGrant grant, string service)
    {
        lock (_gate)
        {
            return _book.Refusal(grant, service) ?? _book.ActivationRefusal(grant);
        }
    }

    /// <summary>A group member's health changed: the control plane should hear it now rather than at the next beat.</summary>
    public void HealthChanged(string service)
    {
        if (RoleOf(service) is { Active: true })
        {
            HeartbeatWanted?.Invoke();
        }
    }

    /// <summary>Applies a role command; null when accepted, else why it was refused.</summary>
    public string? Apply(CommandKind kind, RoleGrant grant, string service)
    {
        string? refusal;
        lock (_gate)
        {
            refusal = _book.Apply(kind, grant, service);
            if (refusal is null)
            {
                _fenced.Remove(grant.GroupId);
                Save();
            }
        }

        if (refusal is null)
        {
            var what = kind switch
            {
                CommandKind.Activate => AgentEventKind.RoleActivated,
                _ => AgentEventKind.RoleDeactivated,
            };
            _events.Record(what, service, kind switch
            {
                CommandKind.Activate => $"active in group {grant.GroupName} at epoch {grant.Epoch}",
                CommandKind.Deactivate => $"standby in group {grant.GroupName} at epoch {grant.Epoch}",
                _ => $"released from group {grant.GroupName}; back to plain supervision",
            });
            Wake(service);
            if (kind == CommandKind.Activate)
            {
                HeartbeatWanted?.Invoke();
            }
        }

        return refusal;
    }

    /// <summary>Notes the epoch of a role command that was not carried out (its hook failed), so older ones stay refused.</summary>
    public void SeeEpoch(RoleGrant grant, string service)
    {
        lock (_gate)
        {
            _book.SeeEpoch(grant, service);
            Save();
        }

        Wake(service);
    }

    /// <summary>An acknowledgement arrived for a heartbeat sent at <paramref name="sentAt"/> (see <see cref="Now"/>).</summary>
    public void Renew(IReadOnlyList<LeaseRenewal> renewals, TimeSpan sentAt)
    {
        if (renewals.Count == 0)
        {
            return;
        }

        List<string> resumed = [];
        lock (_gate)
        {
            var now = Now;
            var before = renewals.Select(r => _book.Find(r.GroupId)).Where(r => r is not null && !r.HoldsLease(now)).Select(r => r!.GroupId).ToHashSet();
            _book.Renew(renewals, sentAt);
            foreach (var groupId in before)
            {
                if (_book.Find(groupId) is { } role && role.HoldsLease(now))
                {
                    resumed.Add(role.Service);
                    _fenced.Remove(groupId);
                }
            }
        }

        foreach (var service in resumed)
        {
            Wake(service);
        }
    }

    /// <summary>The control plane named every group this node is in (at registration).</summary>
    public void LearnMemberships(IReadOnlyList<GroupMembership> memberships)
    {
        bool wasUnknown;
        lock (_gate)
        {
            wasUnknown = _book.RolesUnknown;
            _book.LearnMemberships(memberships);
        }

        if (wasUnknown)
        {
            _events.Record(AgentEventKind.RoleDeactivated, null, $"the control plane named this node's failover groups ({memberships.Count}); services outside them run again");
        }

        WakeAll();
    }

    /// <summary>
    /// The agent is stopping: gives up every active role at its epoch, so the services are fenced now
    /// and the control plane moves the roles without waiting for the leases. Returns those services.
    /// </summary>
    public IReadOnlyList<string> StandDown()
    {
        IReadOnlyList<string> services;
        lock (_gate)
        {
            services = _book.StandDown();
            if (services.Count > 0)
            {
                Save();
            }
        }

        foreach (var service in services)
        {
            _events.Record(AgentEventKind.RoleDeactivated, service, "gave up the active role: the agent is stopping; fencing the service");
            Wake(service);
        }

        HeartbeatWanted?.Invoke();
        return services;
    }

    /// <summary>The roles as the heartbeat reports them; <paramref name="isUp"/> tells whether a service is up.</summary>
    public IReadOnlyList<RoleReport> Reports(Func<string, bool> isUp)
    {
        lock (_gate)
        {
            return _book.Reports(Now, isUp);
        }
    }

    /// <summary>Wakes the services whose lease has just ended, and records the fencing.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan? next;
            List<GroupRole> lapsed = [];
            lock (_gate)
            {
                var now = Now;
                foreach (var role in _book.Roles.Where(r => r.Active && r.LeaseExpiresAt is { } end && end <= now && _fenced.Add(r.GroupId)))
                {
                    lapsed.Add(role);
                }

                next = _book.NextExpiry(now) - now;
            }

            foreach (var role in lapsed)
            {
                if (role.Isolation == IsolationPolicy.Stop)
                {
                    _events.Record(AgentEventKind.Fenced, role.Service, $"lease of group {role.GroupName} (epoch {role.Epoch}) lapsed without word from the control plane; stopping the service");
                }
                else
                {
                    LogLapsedKeepRunning(role.GroupName, role.Service);
                }

                Wake(role.Service);
            }

            using var timeout = new CancellationTokenSource(next ?? Timeout.InfiniteTimeSpan, _time);
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            try
            {
                await _changed.Reader.WaitToReadAsync(wake.Token);
                _changed.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // A lease ended: look again.
            }
        }
    }

    private void WakeAll()
    {
        AllChanged?.Invoke();
        _changed.Writer.TryWrite(true);
    }

    private void Wake(string service)
    {
        Changed?.Invoke(service);
        _changed.Writer.TryWrite(true);
    }

    private void Save()
    {
        // Two copies: a role file damaged on disk falls back to the other rather than to no roles at all.
        var content = JsonSerializer.Serialize(_book.Roles.Select(r => r with { LeaseExpiresAt = null, StoodDown = false }).ToList(), AgentStateJson.Default.ListGroupRole);
        DurableFile.Write(_path, content);
        DurableFile.Write(_backupPath, content);
    }

    /// <summary>
    /// The stored roles; from the backup copy when the file is damaged. When both are damaged the
    /// highest epochs are lost: rather than guess (or stop the agent while the services it fences run
    /// on), every managed service is held until the control plane names this node's memberships.
    /// </summary>
    private RoleBook Load()
    {
        var damaged = new List<string>();
        foreach (var path in (string[])[_path, _backupPath])
        {
            try
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                var roles = JsonSerializer.Deserialize(File.ReadAllText(path), AgentStateJson.Default.ListGroupRole) ?? [];
                if (damaged.Count > 0)
                {
                    LogRolesFromBackup(_path, path);
                }

                return new RoleBook(roles);
            }
            catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException)
            {
                damaged.Add($"{path}: {exception.Message}");
            }
        }

        if (damaged.Count == 0)
        {
            return new RoleBook();
        }

        foreach (var path in (string[])[_path, _backupPath])
        {
            SetAside(path);
        }

        var why = string.Join("; ", damaged);
        LogRolesLost(why);
        _events.Record(AgentEventKind.Fenced, null, $"the role file is damaged ({why}); every managed service is held until the control plane names this node's failover groups");
        return new RoleBook(rolesUnknown: true);
    }

    private void SetAside(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Move(path, $"{path}.damaged-{_time.GetUtcNow():yyyyMMddHHmmss}", overwrite: true);
            }
        }
        catch (IOException exception)
        {
            LogCouldNotSetAside(path, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The role file {Path} is damaged; the roles were read from its copy {Backup}")]
    private partial void LogRolesFromBackup(string path, string backup);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The role file and its copy are damaged ({Reason}); set aside. Every managed service is held stopped until the control plane names the failover groups this node is in (at the next registration)")]
    private partial void LogRolesLost(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not set the damaged role file {Path} aside: {Reason}")]
    private partial void LogCouldNotSetAside(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of group {Group} lapsed; {Service} keeps running by the group's isolation policy (KeepRunning)")]
    private partial void LogLapsedKeepRunning(string group, string service);
}

/// <summary>What the failover roles allow each managed service; consulted by supervision at every step.</summary>
public interface IRoleGate
{
    RoleAllowance PermissionFor(string service);

    /// <summary>Called when the service's health changed.</summary>
    void HealthChanged(string service);

    /// <summary>Raised with the service's name when what it may do has changed.</summary>
    event Action<string>? Changed;
}
