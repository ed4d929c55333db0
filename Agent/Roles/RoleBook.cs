using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;

namespace Vigil.Agent.Roles;

/// <summary>
/// The agent's roles in failover groups, and the rules that keep "never two actives" on this side:
/// an epoch below the highest seen is refused; the active role may start its service only under a
/// valid lease, and a lease is renewed only for the epoch the role holds, counted from when the
/// acknowledged heartbeat was sent; the group's terms only move to newer versions. A service that may
/// be exercising a role nobody vouches for (a lapsed lease, an activation without its lease yet, a
/// role given up because the agent stops, a member whose role was lost) is fenced: stopped at once and
/// killed after half the fence allowance. Pure: time comes in as an argument (monotonic).
/// </summary>
public sealed class RoleBook
{
    private static readonly TimeSpan DefaultFenceAllowance = TimeSpan.FromSeconds(1);
    private readonly Dictionary<Guid, GroupRole> _roles = [];
    private Dictionary<string, GroupMembership>? _memberships;
    private bool _rolesUnknown;
    private bool _stopping;

    /// <param name="stored">The roles kept on disk (never with a lease).</param>
    /// <param name="rolesUnknown">The roles on disk were lost: every service is held until the control plane names this node's memberships.</param>
    public RoleBook(IEnumerable<GroupRole>? stored = null, bool rolesUnknown = false)
    {
        // Leases are never stored: after a restart no active role can prove its lease.
        foreach (var role in stored ?? [])
        {
            _roles[role.GroupId] = role with { LeaseExpiresAt = null, StoodDown = false };
        }

        _rolesUnknown = rolesUnknown;
    }

    public IReadOnlyCollection<GroupRole> Roles => _roles.Values;

    /// <summary>The roles on disk were lost and the control plane has not yet said which groups this node is in.</summary>
    public bool RolesUnknown => _rolesUnknown;

    public GroupRole? Find(Guid groupId) => _roles.GetValueOrDefault(groupId);

    public GroupRole? ForService(string service) =>
        _roles.Values.FirstOrDefault(r => r.Service.Equals(service, StringComparison.OrdinalIgnoreCase));

    /// <summary>Applies Activate, Deactivate or Release; returns null when accepted, else why it was refused.</summary>
    public string? Apply(CommandKind kind, RoleGrant grant, string service)
    {
        if (Refusal(grant, service) is { } refusal)
        {
            return refusal;
        }

        var current = Find(grant.GroupId);
        switch (kind)
        {
            case CommandKind.Activate when _stopping:
                return $"not activated in group {grant.GroupName}: the agent is stopping";
            case CommandKind.Activate when ActivationRefusal(grant) is { } deactivated:
                return deactivated;
            case CommandKind.Activate:
                // The same activation again keeps its lease; a new epoch waits for its first renewal.
                _roles[grant.GroupId] = current is { Active: true } && current.Epoch == grant.Epoch
                    ? current with { Terms = current.NewerTerms(grant.Terms) }
                    : Granted(current, grant, service, active: true);
                return null;
            case CommandKind.Deactivate:
                _roles[grant.GroupId] = Granted(current, grant, service, active: false) with { StoodDown = current?.StoodDown ?? false, Deactivated = true };
                return null;
            case CommandKind.Release:
                _roles.Remove(grant.GroupId);
                foreach (var membership in _memberships?.Values.Where(m => m.GroupId == grant.GroupId).ToList() ?? [])
                {
                    _memberships!.Remove(membership.Service);
                }

                return null;
            default:
                return $"{kind} is not a role command";
        }
    }

    /// <summary>Why a role command with this grant would be refused; null when it would be accepted.</summary>
    public string? Refusal(RoleGrant grant, string service)
    {
        if (Find(grant.GroupId) is { } current && grant.Epoch < current.Epoch)
        {
            return $"epoch {grant.Epoch} of group {grant.GroupName} is older than epoch {current.Epoch} already seen; refused";
        }

        if (Find(grant.GroupId) is { } held && !held.Service.Equals(service, StringComparison.OrdinalIgnoreCase))
        {
            return $"this node is already in group {grant.GroupName} with service {held.Service}; a node is a member of a group once";
        }

        return ForService(service) is { } other && other.GroupId != grant.GroupId
            ? $"service {service} already belongs to group {other.GroupName}"
            : null;
    }

    /// <summary>
    /// Why an Activate with this grant would be refused beyond <see cref="Refusal"/>: this node carried
    /// out a Deactivate at the same epoch, which the control plane may have counted as a release.
    /// </summary>
    public string? ActivationRefusal(RoleGrant grant) =>
        Find(grant.GroupId) is { Deactivated: true } deactivated && deactivated.Epoch == grant.Epoch
            ? $"epoch {grant.Epoch} of group {grant.GroupName} was already given up by a Deactivate on this node; only a newer epoch activates it; refused"
            : null;

    /// <summary>Records the epoch without taking the role, e.g. when an activation hook failed.</summary>
    public void SeeEpoch(RoleGrant grant, string service)
    {
        if (Refusal(grant, service) is not null)
        {
            return;
        }

        if (Find(grant.GroupId) is not { } current || current.Epoch < grant.Epoch)
        {
            _roles[grant.GroupId] = Granted(Find(grant.GroupId), grant, service, active: false);
        }
    }

    /// <summary>Renews the leases an acknowledgement carries, from the send time of the heartbeat it acknowledges, and takes newer terms.</summary>
    public void Renew(IEnumerable<LeaseRenewal> renewals, TimeSpan heartbeatSentAt)
    {
        foreach (var renewal in renewals)
        {
            if (Find(renewal.GroupId) is not { } role || role.Epoch != renewal.Epoch)
            {
                continue;
            }

            var renewed = role with { Terms = role.NewerTerms(renewal.Terms) };
            var end = heartbeatSentAt + TimeSpan.FromMilliseconds(renewal.LeaseMs);
            if (role.Active && (role.LeaseExpiresAt is not { } current || end > current))
            {
                renewed = renewed with
                {
                    LeaseExpiresAt = end,
                    Lease = TimeSpan.FromMilliseconds(renewal.LeaseMs),
                    FenceAllowance = TimeSpan.FromMilliseconds(renewal.FenceAllowanceMs),
                };
            }

            _roles[role.GroupId] = renewed;
        }
    }

    /// <summary>The control plane named every group this node is in: the services among them without a role wait for one, and the rest run freely.</summary>
    public void LearnMemberships(IEnumerable<GroupMembership> memberships)
    {
        _memberships = new Dictionary<string, GroupMembership>(StringComparer.OrdinalIgnoreCase);
        foreach (var membership in memberships)
        {
            _memberships.TryAdd(membership.Service, membership);
        }

        _rolesUnknown = false;
    }

    /// <summary>
    /// The agent is stopping: every active role is given up at its epoch (the control plane sees a
    /// standby whose service is fenced, and moves the role without waiting for the lease), and no
    /// activation is taken any more. Returns the services whose role was given up.
    /// </summary>
    public IReadOnlyList<string> StandDown()
    {
        _stopping = true;
        var services = new List<string>();
        foreach (var role in _roles.Values.Where(r => r.Active).ToList())
        {
            _roles[role.GroupId] = role with { Active = false, LeaseExpiresAt = null, StoodDown = true };
            services.Add(role.Service);
        }

        return services;
    }

    public RoleAllowance PermissionFor(string service, TimeSpan now)
    {
        if (ForService(service) is not { } role)
        {
            return WithoutRole(service);
        }

        var halfAllowance = role.FenceAllowance / 2;
        if (!role.Active)
        {
            return role.StoodDown
                ? new() { MayStart = false, MayKeepRunning = false, Fence = true, KillAfter = halfAllowance, Role = role, Reason = $"gave up the active role in group {role.GroupName} (epoch {role.Epoch}): the agent is stopping" }
                : new() { MayStart = false, MayKeepRunning = false, Role = role, Reason = $"standby in group {role.GroupName} (epoch {role.Epoch})" };
        }

        if (role.HoldsLease(now))
        {
            return new() { MayStart = true, MayKeepRunning = true, Role = role, ReviewIn = role.LeaseExpiresAt!.Value - now };
        }

        if (role.LeaseExpiresAt is not { } expired)
        {
            return new()
            {
                MayStart = false,
                MayKeepRunning = false,
                Fence = true,
                KillAfter = halfAllowance,
                AwaitsLease = true,
                Role = role,
                Reason = $"active in group {role.GroupName} (epoch {role.Epoch}), waiting for a lease from the control plane",
            };
        }

        return role.Isolation == IsolationPolicy.KeepRunning
            ? new() { MayStart = false, MayKeepRunning = true, Role = role, Reason = $"lease of group {role.GroupName} lapsed; kept running by the group's isolation policy" }
            : new()
            {
                MayStart = false,
                MayKeepRunning = false,
                Fence = true,
                KillAfter = Max(TimeSpan.Zero, expired + halfAllowance - now),
                Role = role,
                Reason = $"fenced: the lease of group {role.GroupName} (epoch {role.Epoch}) lapsed without word from the control plane",
            };
    }

    /// <summary>The roles as a heartbeat sent at <paramref name="now"/> reports them; <paramref name="isUp"/> tells whether a service is up.</summary>
    public IReadOnlyList<RoleReport> Reports(TimeSpan now, Func<string, bool> isUp) => [.. _roles.Values.Select(r => new RoleReport
    {
        GroupId = r.GroupId,
        Service = r.Service,
        Epoch = r.Epoch,
        Active = r.Active,
        HoldsLease = r.HoldsLease(now),
        ServiceUp = isUp(r.Service),
        TermsVersion = r.Terms.Version,
        Isolation = r.Isolation,
    })];

    /// <summary>The earliest lease end after <paramref name="now"/>, to look again then.</summary>
    public TimeSpan? NextExpiry(TimeSpan now) =>
        _roles.Values.Where(r => r.Active && r.LeaseExpiresAt > now).Select(r => r.LeaseExpiresAt).Min();

    private RoleAllowance WithoutRole(string service)
    {
        if (_rolesUnknown)
        {
            return new()
            {
                MayStart = false,
                MayKeepRunning = false,
                Fence = true,
                KillAfter = DefaultFenceAllowance / 2,
                Reason = "held: this node's role file was unreadable; waiting for the control plane to name the failover groups this node is in",
            };
        }

        return _memberships?.GetValueOrDefault(service) is { } membership
            ? new()
            {
                MayStart = false,
                MayKeepRunning = false,
                Fence = true,
                KillAfter = DefaultFenceAllowance / 2,
                Reason = $"member of group {membership.GroupName}; waiting for its role from the control plane",
            }
            : RoleAllowance.Unrestricted;
    }

    /// <summary>The role a grant gives, keeping the newest terms seen whatever the order they arrived in.</summary>
    private static GroupRole Granted(GroupRole? current, RoleGrant grant, string service, bool active) =>
        GroupRole.From(grant, service, active) with { Terms = Newer(current, grant.Terms) };

    private static RoleTerms Newer(GroupRole? current, RoleTerms? offered) =>
        current?.NewerTerms(offered) ?? offered ?? GroupRole.UnversionedTerms;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
