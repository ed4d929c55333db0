using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Health;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Nodes;

/// <summary>
/// The mutable, in-memory state of one node. Not thread-safe: <see cref="NodeRegistry"/> locks the
/// instance around every call, and publishes what a call returns while still holding the lock, so
/// the changes of one node reach the database and the dashboard in the order they happened.
/// Instants for display come from the wall clock; every duration comes from monotonic timestamps.
/// </summary>
internal sealed class LiveNode
{
    private string? _connectionId;
    private Guid _instanceId;
    private Guid _lastRefusedInstanceId;
    private long _lastHeardTimestamp;
    private long? _disconnectedTimestamp;
    private bool _heardSinceStart;
    private NodeLiveness _storedLiveness;
    private string _livenessReason;
    private bool _lastSeenUnsaved;
    private bool _stoppedOnPurpose;
    private bool _heardSinceRegistration;
    private bool _servicesHeardSinceRegistration;
    private long? _reportedTimestamp;

    private LiveNode(Guid id, string livenessReason)
    {
        Id = id;
        _livenessReason = livenessReason;
    }

    public Guid Id { get; }

    public string Name { get; private set; } = "";

    public NodeLiveness Liveness { get; private set; }

    /// <summary>The SignalR connection that currently speaks for the node, if any.</summary>
    public string? ConnectionId => _connectionId;

    private string AgentVersion { get; set; } = "";

    private string OperatingSystem { get; set; } = "";

    private int ProcessorCount { get; set; }

    private TimeSpan HeartbeatInterval { get; set; }

    private IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();

    private RemoteExecutionPolicy? RemoteExecution { get; set; }

    private IReadOnlyList<InstalledService>? InstalledServices { get; set; }

    private DateTimeOffset LivenessChangedAt { get; set; }

    private DateTimeOffset FirstSeenAt { get; set; }

    private DateTimeOffset LastSeenAt { get; set; }

    private HostMetrics? Host { get; set; }

    private IReadOnlyList<ServiceReport> Services { get; set; } = [];

    private IReadOnlyList<RoleReport> Roles { get; set; } = [];

    public long ConfigVersion { get; set; }

    public NodeMaintenance? Maintenance { get; set; }

    public long LastEventSequence { get; set; }

    /// <summary>A node known from the database, not heard from since this control plane started.</summary>
    public static LiveNode FromStored(Node stored, long startedTimestamp) => new(stored.Id, "not heard from since the control plane started")
    {
        Name = stored.Name,
        AgentVersion = stored.AgentVersion,
        OperatingSystem = stored.OperatingSystem,
        ProcessorCount = stored.ProcessorCount,
        HeartbeatInterval = TimeSpan.FromMilliseconds(stored.HeartbeatIntervalMs),
        Labels = stored.Labels,
        Liveness = stored.Liveness is NodeLiveness.Lost or NodeLiveness.Stopped ? stored.Liveness : NodeLiveness.Suspect,
        LivenessChangedAt = stored.LivenessChangedAt,
        FirstSeenAt = stored.FirstSeenAt,
        LastSeenAt = stored.LastSeenAt,
        _lastHeardTimestamp = startedTimestamp,
        _storedLiveness = stored.Liveness,
        Maintenance = NodeMaintenance.From(stored),
    };

    public static LiveNode FromRegistration(AgentRegistration registration, DateTimeOffset now) =>
        new(registration.NodeId, "registered")
        {
            Name = registration.NodeName,
            Liveness = NodeLiveness.Alive,
            LivenessChangedAt = now,
            FirstSeenAt = now,
        };

    /// <summary>
    /// The instance of the agent process that holds a live connection for the node, when that is not
    /// <paramref name="instanceId"/>: two processes speak for one node (a cloned machine with the node's
    /// identity and credential). Null when the registration may proceed: no live connection, the same
    /// process reconnecting, or an agent too old to tell its instance.
    /// </summary>
    public Guid? OtherLiveInstance(Guid instanceId) =>
        _connectionId is not null && _instanceId != Guid.Empty && instanceId != Guid.Empty && instanceId != _instanceId
            ? _instanceId
            : null;

    /// <summary>Remembers a refused instance; true the first time it is refused in a row, so it is reported once.</summary>
    public bool NoteRefusedInstance(Guid instanceId)
    {
        var first = instanceId != _lastRefusedInstanceId;
        _lastRefusedInstanceId = instanceId;
        return first;
    }

    /// <summary>The node's agent registered on a (new) connection.</summary>
    public LivenessTransition? Register(AgentRegistration registration, string connectionId, long timestamp, DateTimeOffset now)
    {
        Name = registration.NodeName;
        AgentVersion = registration.AgentVersion;
        OperatingSystem = registration.OperatingSystem;
        ProcessorCount = registration.ProcessorCount;
        HeartbeatInterval = TimeSpan.FromMilliseconds(registration.HeartbeatIntervalMs);
        Labels = new Dictionary<string, string>(registration.Labels);
        RemoteExecution = registration.RemoteExecution;
        InstalledServices = registration.InstalledServices;
        _connectionId = connectionId;
        _instanceId = registration.InstanceId;

        // Roles a previous run of the agent reported are not known to hold any more; the next heartbeat says.
        Roles = [];
        _heardSinceRegistration = false;
        _servicesHeardSinceRegistration = false;
        _reportedTimestamp = null;
        return Heard(timestamp, now, "agent registered");
    }

    /// <summary>
    /// Records a heartbeat; false when it came on a connection that no longer speaks for the node. A
    /// heartbeat whose services are unchanged keeps the services as they are (the very same list);
    /// <paramref name="servicesWanted"/> is then true when this connection has not sent a list yet.
    /// </summary>
    public bool TryRecordHeartbeat(
        string connectionId, AgentHeartbeat heartbeat, long timestamp, DateTimeOffset now, out LivenessTransition? transition, out bool servicesWanted)
    {
        transition = null;
        servicesWanted = false;
        if (connectionId != _connectionId)
        {
            return false;
        }

        Host = heartbeat.Host;
        if (heartbeat.ServicesUnchanged)
        {
            servicesWanted = !_servicesHeardSinceRegistration;
        }
        else
        {
            Services = heartbeat.Services;
            _servicesHeardSinceRegistration = true;
        }

        Roles = heartbeat.Roles ?? [];
        _heardSinceRegistration = true;
        _reportedTimestamp = timestamp;
        transition = Heard(timestamp, now, "heartbeat received");
        return true;
    }

    /// <summary>The agent said it is stopping on purpose; ignored unless from the node's current connection.</summary>
    public LivenessTransition? Stopping(string connectionId, long timestamp, DateTimeOffset now, TimeProvider time, LivenessPolicy policy)
    {
        if (connectionId != _connectionId)
        {
            return null;
        }

        _stoppedOnPurpose = true;
        return Reevaluate(timestamp, now, time, policy);
    }

    /// <summary>A connection closed; ignored unless it is the node's current one.</summary>
    public LivenessTransition? Disconnect(string connectionId, long timestamp, DateTimeOffset now, TimeProvider time, LivenessPolicy policy)
    {
        if (connectionId != _connectionId)
        {
            return null;
        }

        _connectionId = null;
        _disconnectedTimestamp = timestamp;
        return Reevaluate(timestamp, now, time, policy);
    }

    public LivenessTransition? Reevaluate(long timestamp, DateTimeOffset now, TimeProvider time, LivenessPolicy policy)
    {
        var evidence = new LivenessEvidence
        {
            HeartbeatInterval = HeartbeatInterval,
            Silence = time.GetElapsedTime(_lastHeardTimestamp, timestamp),
            SinceDisconnect = _disconnectedTimestamp is { } closed ? time.GetElapsedTime(closed, timestamp) : null,
            HeardSinceStart = _heardSinceStart,
            StoppedOnPurpose = _stoppedOnPurpose,
            StoredLiveness = _storedLiveness,
        };
        var verdict = LivenessRules.Evaluate(evidence, policy);
        return ChangeTo(verdict.Liveness, verdict.Reason, now);
    }

    /// <summary>Returns the time of the last heartbeat when it has not been saved yet, and marks it saved.</summary>
    public DateTimeOffset? TakeUnsavedLastSeen()
    {
        if (!_lastSeenUnsaved)
        {
            return null;
        }

        _lastSeenUnsaved = false;
        return LastSeenAt;
    }

    public NodeStatus Snapshot() => new()
    {
        Id = Id,
        Name = Name,
        AgentVersion = AgentVersion,
        OperatingSystem = OperatingSystem,
        ProcessorCount = ProcessorCount,
        HeartbeatInterval = HeartbeatInterval,
        Labels = Labels,
        RemoteExecution = RemoteExecution,
        InstalledServices = InstalledServices,
        Liveness = Liveness,
        LivenessReason = _livenessReason,
        LivenessChangedAt = LivenessChangedAt,
        Connected = _connectionId is not null,
        FirstSeenAt = FirstSeenAt,
        LastSeenAt = LastSeenAt,
        Host = Host,
        Services = Services,
        Roles = Roles,
        HeardSinceRegistration = _heardSinceRegistration,
        Connection = _connectionId,
        ReportedAt = _reportedTimestamp,
        ConfigVersion = ConfigVersion,
        LastEventSequence = LastEventSequence,
        Maintenance = Maintenance,
    };

    private LivenessTransition? Heard(long timestamp, DateTimeOffset now, string reason)
    {
        _heardSinceStart = true;
        _stoppedOnPurpose = false;
        _lastHeardTimestamp = timestamp;
        _disconnectedTimestamp = null;
        LastSeenAt = now;
        _lastSeenUnsaved = true;
        return ChangeTo(NodeLiveness.Alive, reason, now);
    }

    private LivenessTransition? ChangeTo(NodeLiveness liveness, string reason, DateTimeOffset now)
    {
        if (liveness == Liveness)
        {
            return null;
        }

        var transition = new LivenessTransition(Id, Name, Liveness, liveness, now, reason);
        Liveness = liveness;
        LivenessChangedAt = now;
        _livenessReason = reason;
        return transition;
    }
}
