using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// The control plane of the simulation: the real <see cref="FailoverEngine"/> behind a shell that
/// does what <see cref="FailoverCoordinator"/> does (grant leases to the reported active at the
/// current epoch, store the epoch before commands, forget everything but the database on a crash).
/// </summary>
internal sealed class SimulatedControlPlane(Guid groupId, IReadOnlyList<SimulatedAgent> agents, GroupPolicy policy)
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan Allowance = TimeSpan.FromSeconds(1);
    private readonly Dictionary<Guid, Seen> _seen = [];
    private readonly Dictionary<Guid, TimeSpan> _lastGrant = [];
    private readonly Dictionary<Guid, long> _deactivateSent = [];
    private readonly Dictionary<Guid, TimeSpan> _activationSentAt = [];

    // The database.
    public long Epoch { get; private set; }

    public Guid? ActiveMemberId { get; private set; }

    public PendingTransition? OpenTransition { get; private set; }

    public List<TimeSpan> StoredFailovers { get; } = [];

    // Memory.
    public bool Up { get; private set; } = true;

    public TimeSpan StartedAt { get; private set; }

    public PendingTransition? Pending { get; private set; }

    public string? ActivationFailure { get; private set; }

    public long ActivateSentEpoch { get; private set; } = -1;

    public TimeSpan? LastTransitionAt { get; private set; }

    public int Completed { get; private set; }

    public void Crash()
    {
        Up = false;
        _seen.Clear();
        _lastGrant.Clear();
        _deactivateSent.Clear();
        _activationSentAt.Clear();
        Pending = null;
        ActivationFailure = null;
        ActivateSentEpoch = -1;
        LastTransitionAt = null;
    }

    public void Restart(TimeSpan now)
    {
        Up = true;
        StartedAt = now;
        Pending = OpenTransition is { } open ? open with { ActivateSent = false, Confirmed = false, ActivationFailure = null } : null;
    }

    /// <summary>A heartbeat arrived; returns the renewals its acknowledgement carries.</summary>
    public IReadOnlyList<LeaseRenewal> Heartbeat(SimulatedAgent agent, IReadOnlyList<RoleReport> roles, ServiceHealth health, bool serviceUp, TimeSpan now)
    {
        var role = roles.FirstOrDefault(r => r.GroupId == groupId);
        _seen[agent.NodeId] = new Seen(now, role, health, serviceUp);
        if (role is { Active: true } && role.Epoch == Epoch && ActiveMemberId == agent.MemberId)
        {
            _lastGrant[agent.NodeId] = now;
            return [new LeaseRenewal { GroupId = groupId, Epoch = Epoch, LeaseMs = (int)Lease.TotalMilliseconds }];
        }

        return [];
    }

    public void ActivateAnswered(SimulatedAgent agent, long epoch, bool succeeded, string message)
    {
        if (epoch != Epoch || !Up)
        {
            return;
        }

        if (Pending is { } pending && pending.ToMemberId == agent.MemberId)
        {
            Pending = succeeded ? pending with { Confirmed = true } : pending with { ActivationFailure = message };
        }
        else if (!succeeded && ActiveMemberId == agent.MemberId)
        {
            ActivationFailure = message;
            ActivateSentEpoch = -1;
        }
    }

    public void DeactivateAnswered(SimulatedAgent agent, long epoch, bool succeeded)
    {
        if (!succeeded && epoch == Epoch)
        {
            _deactivateSent.Remove(agent.MemberId);
        }
    }

    /// <summary>One round of decisions; role commands go out through <paramref name="send"/>.</summary>
    public void Decide(TimeSpan now, Action<SimulatedAgent, Vigil.Shared.Commands.CommandKind, RoleGrant> send)
    {
        if (!Up)
        {
            return;
        }

        // The command pipeline times an unanswered Activate out.
        foreach (var (memberId, sentAt) in _activationSentAt.ToList())
        {
            if (now - sentAt > TimeSpan.FromSeconds(30))
            {
                _activationSentAt.Remove(memberId);
                ActivateAnswered(agents.First(a => a.MemberId == memberId), Epoch, succeeded: false, "TimedOut");
            }
        }

        var snapshot = Snapshot(now);
        foreach (var decision in FailoverEngine.Decide(snapshot, now))
        {
            switch (decision)
            {
                case FailoverDecision.Deactivate deactivate:
                    send(Agent(deactivate.MemberId), Vigil.Shared.Commands.CommandKind.Deactivate, Grant());
                    _deactivateSent[deactivate.MemberId] = Epoch;
                    break;
                case FailoverDecision.Begin begin:
                    Epoch++;
                    ActiveMemberId = begin.ToMemberId;
                    Pending = new PendingTransition { Kind = begin.Kind, Epoch = Epoch, FromMemberId = begin.FromMemberId, ToMemberId = begin.ToMemberId };
                    OpenTransition = Pending;
                    ActivationFailure = null;
                    ActivateSentEpoch = -1;
                    if (begin.Kind == TransitionKind.Failover)
                    {
                        StoredFailovers.Add(now);
                    }

                    break;
                case FailoverDecision.Activate activate:
                    send(Agent(activate.MemberId), Vigil.Shared.Commands.CommandKind.Activate, Grant());
                    _activationSentAt[activate.MemberId] = now;
                    if (Pending is { } pending)
                    {
                        Pending = pending with { ActivateSent = true };
                    }
                    else
                    {
                        ActivateSentEpoch = Epoch;
                    }

                    break;
                case FailoverDecision.Confirm:
                    LastTransitionAt = Pending?.Kind == TransitionKind.Failover ? now : LastTransitionAt;
                    (Pending, OpenTransition) = (null, null);
                    _activationSentAt.Clear();
                    Completed++;
                    break;
                case FailoverDecision.Abandon abandon:
                    if (ActiveMemberId == abandon.MemberId)
                    {
                        ActivationFailure = abandon.Reason;
                    }

                    (Pending, OpenTransition) = (null, null);
                    _activationSentAt.Clear();
                    break;
            }
        }
    }

    private GroupSnapshot Snapshot(TimeSpan now) => new()
    {
        GroupId = groupId,
        Name = "sim",
        Epoch = Epoch,
        ActiveMemberId = ActiveMemberId,
        Policy = policy with { Lease = Lease, FenceAllowance = Allowance },
        Members = [.. agents.Select(a => View(a, now))],
        Pending = Pending,
        ActivationFailure = ActivationFailure,
        ActivateSent = ActivateSentEpoch == Epoch,
        LastTransitionAt = LastTransitionAt,
        RecentFailovers = StoredFailovers,
    };

    private MemberView View(SimulatedAgent agent, TimeSpan now)
    {
        var seen = _seen.GetValueOrDefault(agent.NodeId);
        var silence = now - (seen?.At ?? StartedAt);
        return new MemberView
        {
            MemberId = agent.MemberId,
            NodeId = agent.NodeId,
            NodeName = $"node{agent.Index}",
            Service = SimulatedAgent.Service,
            Priority = agent.Index + 1,
            Reachable = seen is not null && silence < TimeSpan.FromSeconds(1.5),
            NodeDown = silence >= TimeSpan.FromSeconds(3),
            Health = seen?.Health,
            ServiceUp = seen?.ServiceUp ?? false,
            Reported = seen is not null,
            Role = seen?.Role,
            LeaseSurelyEndedAt = _lastGrant.GetValueOrDefault(agent.NodeId, StartedAt) + Lease + Allowance,
            DeactivateSent = _deactivateSent.TryGetValue(agent.MemberId, out var sent) && sent == Epoch,
        };
    }

    private RoleGrant Grant() => new() { GroupId = groupId, GroupName = "sim", Epoch = Epoch, LeaseMs = (int)Lease.TotalMilliseconds, Isolation = policy.Isolation };

    private SimulatedAgent Agent(Guid memberId) => agents.First(a => a.MemberId == memberId);

    private sealed record Seen(TimeSpan At, RoleReport? Role, ServiceHealth Health, bool ServiceUp);
}
