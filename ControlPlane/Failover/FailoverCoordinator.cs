using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Failover;

/// <summary>
/// The thin shell around <see cref="FailoverEngine"/>: several times a second it builds each group's
/// snapshot from the live registry, asks the engine, and applies the decisions — the epoch goes to the
/// database before any command that carries it. It also answers heartbeats with lease renewals, only
/// for the member that is active at the group's current epoch and says so.
/// </summary>
public sealed partial class FailoverCoordinator(
    IFailoverStore store,
    IRoleCommandSink commands,
    NodeRegistry registry,
    IOptions<FailoverOptions> options,
    TimeProvider time,
    ILogger<FailoverCoordinator> logger,
    Decider.IDeciderAuthority? authority = null,
    GroupChangeFeed? changes = null) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, LiveGroup> _groups = new();
    /// <summary>When this coordinator took the groups over (not when it was built: a standby is built long before).</summary>
    private long _startedAt = time.GetTimestamp();
    private readonly SemaphoreSlim _decide = new(1, 1);
    private readonly FailoverOptions _options = options.Value;
    private readonly Channel<(Guid NodeId, RoleReport Role)> _strays = Channel.CreateUnbounded<(Guid, RoleReport)>();
    private readonly ConcurrentDictionary<(Guid NodeId, Guid GroupId), bool> _released = new();
    private readonly ConcurrentDictionary<Guid, int> _strayCounts = new();
    private volatile bool _loaded;
    private volatile bool _handingOver;

    /// <summary>Raised when a transition completed or failed (for drills).</summary>
    public event Action<FailoverRecord>? TransitionEnded;

    /// <summary>
    /// Raised after each decision about a group (several times a second): what the engine saw, what it
    /// decided, and the members that began to exercise the active role at once (null when none did).
    /// Handlers must be quick; alerts take what changed from it.
    /// </summary>
    public event Action<GroupDecided>? Decided;

    public TimeSpan Lease => _options.Lease;

    /// <summary>Renewals for the roles a heartbeat reports, received at <paramref name="receivedAt"/> (a timestamp).</summary>
    public IReadOnlyList<LeaseRenewal> LeasesFor(Guid nodeId, IReadOnlyList<RoleReport> roles, long receivedAt)
    {
        if (!MayDecide)
        {
            // Another instance may decide by now: its leases, not this one's.
            return [];
        }

        List<LeaseRenewal>? renewals = null;
        foreach (var role in roles)
        {
            if (!_groups.TryGetValue(role.GroupId, out var group))
            {
                // A role in a group deleted while the agent was away: it is told to forget it, once per run.
                if (_loaded && !_released.ContainsKey((nodeId, role.GroupId)))
                {
                    // Bounded per node: an agent that reports roles in ever new unknown groups gets no more Releases.
                    var strays = _strayCounts.AddOrUpdate(nodeId, 1, (_, count) => count == int.MaxValue ? count : count + 1);
                    if (strays > StrayReleasesPerNodeMax)
                    {
                        if (strays == StrayReleasesPerNodeMax + 1)
                        {
                            LogStraysDropped(nodeId, StrayReleasesPerNodeMax);
                        }
                    }
                    else if (_released.TryAdd((nodeId, role.GroupId), true))
                    {
                        _strays.Writer.TryWrite((nodeId, role));
                    }
                }

                continue;
            }

            if (!role.Active)
            {
                continue;
            }

            lock (group)
            {
                if (group.Epoch == role.Epoch && group.Active is { } active && active.NodeId == nodeId
                    && active.Service.Equals(role.Service, StringComparison.OrdinalIgnoreCase))
                {
                    group.LastGrants[nodeId] = new LeaseGrant(receivedAt, role);
                    var longLease = group.LeaseOnTheWayOut is { } wayOut && time.GetTimestamp() < wayOut.GivenUntil ? wayOut.Lease : (TimeSpan?)null;
                    group.LongLeasesGiven += longLease is null ? 0 : 1;
                    (renewals ??= []).Add(group.Renewal(longLease ?? _options.Lease, _options.FenceAllowance));
                }
            }
        }

        return renewals ?? (IReadOnlyList<LeaseRenewal>)[];
    }

    /// <summary>The groups a node is a member of, and with which service: told to its agent when it registers.</summary>
    public IReadOnlyList<GroupMembership> MembershipsOf(Guid nodeId)
    {
        var memberships = new List<GroupMembership>();
        foreach (var group in _groups.Values)
        {
            lock (group)
            {
                memberships.AddRange(group.Definition.Members.Where(m => m.NodeId == nodeId)
                    .Select(m => new GroupMembership { GroupId = group.Id, GroupName = group.Definition.Name, Service = m.Service }));
            }
        }

        return memberships;
    }

    public GroupView? View(Guid groupId) => _groups.TryGetValue(groupId, out var group) ? ViewOf(group) : null;

    public IReadOnlyList<GroupView> Views() => [.. _groups.Values.Select(ViewOf).OrderBy(v => v.Definition.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>A group was created or changed: take its definition.</summary>
    public void Upsert(FailoverGroup definition)
    {
        var group = _groups.GetOrAdd(definition.Id, _ => new LiveGroup(definition));
        lock (group)
        {
            group.Definition = definition;
        }

        changes?.Publish(definition.Id);
    }

    public void Remove(Guid groupId)
    {
        _groups.TryRemove(groupId, out _);
        changes?.Publish(groupId);
    }

    /// <summary>Asks for a planned switchover; it starts at the next decision (a fraction of a second).</summary>
    public void RequestSwitchover(Guid groupId, SwitchoverRequest request)
    {
        if (_groups.TryGetValue(groupId, out var group))
        {
            lock (group)
            {
                group.Switchover = request;
            }
        }
    }

    /// <summary>An operator confirms a node is down: its role counts as released until it is heard from again.</summary>
    public void ConfirmDown(Guid groupId, Guid nodeId)
    {
        if (_groups.TryGetValue(groupId, out var group))
        {
            lock (group)
            {
                group.ConfirmedDownNodes.Add(nodeId);
            }
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Takes the groups from the database and listens to command outcomes; what <see cref="StartAsync"/> does before deciding on a timer (the failover simulation decides by hand).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Leases this coordinator did not see granted are counted as given up to now: they surely end a lease + allowance later.
        _startedAt = time.GetTimestamp();
        await LoadAsync(cancellationToken);
        _loaded = true;
        commands.Finished += OnCommandFinished;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        commands.Finished -= OnCommandFinished;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.DecisionInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await DecideAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round of decisions over every group; also called by tests.</summary>
    public async Task DecideAllAsync(CancellationToken cancellationToken)
    {
        await _decide.WaitAsync(cancellationToken);
        try
        {
            if (_handingOver || !MayDecide)
            {
                return;
            }

            await ReleaseStraysAsync(cancellationToken);
            foreach (var group in _groups.Values)
            {
                try
                {
                    await DecideAsync(group, cancellationToken);
                }
                catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
                {
                    lock (group)
                    {
                        group.Status = $"cannot decide now, the database is unavailable: {exception.Message}";
                    }

                    LogDecisionFailed(group.Definition.Name, exception.Message);
                    changes?.Publish(group.Id);
                }
            }
        }
        finally
        {
            _decide.Release();
        }
    }

    private async Task DecideAsync(LiveGroup group, CancellationToken cancellationToken)
    {
        GroupSnapshot snapshot;
        string? overlap;
        bool pending;
        lock (group)
        {
            snapshot = Snapshot(group, observe: true);
            overlap = WatchForOverlap(group, snapshot);
            pending = group.Pending is not null;
            group.FailingSince = FailoverEngine.FailureOf(snapshot) is null ? null : group.FailingSince ?? time.GetTimestamp();
        }

        if (overlap is not null && !pending)
        {
            // Outside a transition the overlap goes on the latest one, where operators look.
            await store.MarkLatestOverlapAsync(group.Id, cancellationToken);
        }

        var decisions = FailoverEngine.Decide(snapshot, Now);
        foreach (var decision in decisions)
        {
            await ApplyAsync(group, snapshot, decision, cancellationToken);
        }

        try
        {
            Decided?.Invoke(new GroupDecided(snapshot, decisions, overlap));
        }
        catch (Exception exception)
        {
            // A listener's failure (alerts) never stops the decisions.
            LogListenerFailed(group.Definition.Name, exception);
        }

        if (changes is not null && ViewMoved(group, snapshot))
        {
            changes.Publish(group.Id);
        }
    }

    private async Task ReleaseStraysAsync(CancellationToken cancellationToken)
    {
        while (_strays.Reader.TryRead(out var stray))
        {
            var grant = ReleaseGrant(stray.Role.GroupId, "(deleted)", stray.Role.Epoch);
            try
            {
                await commands.SubmitAsync(new NewCommand(stray.NodeId, stray.Role.Service, CommandKind.Release, "failover") { Role = grant }, cancellationToken);
            }
            catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
            {
                _released.TryRemove((stray.NodeId, stray.Role.GroupId), out _);
                LogDecisionFailed("(deleted)", exception.Message);
            }
        }
    }

    /// <summary>What a Release carries: a group the agent forgets, at the epoch it knows.</summary>
    public RoleGrant ReleaseGrant(Guid groupId, string groupName, long epoch) => new()
    {
        GroupId = groupId,
        GroupName = groupName,
        Epoch = epoch,
        LeaseMs = (int)_options.Lease.TotalMilliseconds,
        FenceAllowanceMs = (int)_options.FenceAllowance.TotalMilliseconds,
        Terms = new RoleTerms { Version = 0 },
    };

    private bool MayDecide => authority?.MayDecide ?? true;

    private TimeSpan Now => time.GetElapsedTime(_startedAt);

    private TimeSpan At(long timestamp) => time.GetElapsedTime(_startedAt, timestamp);

    /// <summary>Releases sent to one node, in one run, for roles in groups this control plane does not know.</summary>
    public const int StrayReleasesPerNodeMax = 32;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} reports roles in more than {Count} unknown failover groups; Release is no longer sent for them until the control plane restarts. Check the agent's roles.json")]
    private partial void LogStraysDropped(Guid nodeId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of failover group {Group}'s decisions failed; the decisions go on")]
    private partial void LogListenerFailed(string group, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot decide for failover group {Group} now: {Reason}")]
    private partial void LogDecisionFailed(string group, string reason);
}

/// <summary>Settings of failover, from the <c>Failover</c> section.</summary>
public sealed class FailoverOptions
{
    public const string Section = "Failover";

    /// <summary>The timings <see cref="Lease"/> and <see cref="FenceAllowance"/> start from when they are not set on their own.</summary>
    public FailoverProfile Profile { get; set; } = FailoverProfile.Standard;

    /// <summary>How long each heartbeat acknowledgement keeps the active role.</summary>
    public TimeSpan Lease { get; set; } = FailoverTimings.Of(FailoverProfile.Standard).Lease;

    /// <summary>Margin past a lease's end before another member is activated.</summary>
    public TimeSpan FenceAllowance { get; set; } = FailoverTimings.Of(FailoverProfile.Standard).FenceAllowance;

    /// <summary>How often every group is looked at.</summary>
    public TimeSpan DecisionInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The lease active members get when the control plane stops on purpose, so their services run on
    /// while it restarts; the control plane that starts again activates no other member before it ends.
    /// Zero: none (leases lapse during a restart as during a crash).
    /// </summary>
    public TimeSpan PlannedRestartLease { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>One decision about a group: the snapshot the engine saw, its decisions, and the members that began to exercise the active role at once, if any.</summary>
public sealed record GroupDecided(GroupSnapshot Snapshot, IReadOnlyList<FailoverDecision> Decisions, string? Overlap);

/// <summary>A group as operators see it: definition, live status and members.</summary>
public sealed record GroupView(FailoverGroup Definition, string Status, bool Halted, PendingTransition? Pending, IReadOnlyList<MemberView> Members);
