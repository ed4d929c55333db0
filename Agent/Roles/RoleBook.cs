using Vigil.Shared.Commands;
using Vigil.Shared.Roles;

namespace Vigil.Agent.Roles;

/// <summary>
/// The agent's roles in failover groups, and the rules that keep "never two actives" on this side:
/// an epoch below the highest seen is refused; the active role may start its service only under a
/// valid lease, and a lease is renewed only for the epoch the role holds, counted from when the
/// acknowledged heartbeat was sent. Pure: time comes in as an argument (monotonic).
/// </summary>
public sealed class RoleBook
{
    private readonly Dictionary<Guid, GroupRole> _roles = [];

    public RoleBook(IEnumerable<GroupRole>? stored = null)
    {
        // Leases are never stored: after a restart no active role can prove its lease.
        foreach (var role in stored ?? [])
        {
            _roles[role.GroupId] = role with { LeaseExpiresAt = null };
        }
    }

    public IReadOnlyCollection<GroupRole> Roles => _roles.Values;

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
            case CommandKind.Activate:
                // The same activation again keeps its lease; a new epoch waits for its first renewal.
                _roles[grant.GroupId] = current is { Active: true } && current.Epoch == grant.Epoch
                    ? current
                    : GroupRole.From(grant, service, active: true);
                return null;
            case CommandKind.Deactivate:
                _roles[grant.GroupId] = GroupRole.From(grant, service, active: false);
                return null;
            case CommandKind.Release:
                _roles.Remove(grant.GroupId);
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

        return ForService(service) is { } other && other.GroupId != grant.GroupId
            ? $"service {service} already belongs to group {other.GroupName}"
            : null;
    }

    /// <summary>Records the epoch without taking the role, e.g. when an activation hook failed.</summary>
    public void SeeEpoch(RoleGrant grant, string service)
    {
        if (ForService(service) is { } other && other.GroupId != grant.GroupId)
        {
            return;
        }

        if (Find(grant.GroupId) is not { } current || current.Epoch < grant.Epoch)
        {
            _roles[grant.GroupId] = GroupRole.From(grant, service, active: false);
        }
    }

    /// <summary>Renews the leases an acknowledgement carries, from the send time of the heartbeat it acknowledges.</summary>
    public void Renew(IEnumerable<LeaseRenewal> renewals, TimeSpan heartbeatSentAt)
    {
        foreach (var renewal in renewals)
        {
            if (Find(renewal.GroupId) is { Active: true } role && role.Epoch == renewal.Epoch)
            {
                var end = heartbeatSentAt + TimeSpan.FromMilliseconds(renewal.LeaseMs);
                if (role.LeaseExpiresAt is not { } current || end > current)
                {
                    _roles[role.GroupId] = role with { LeaseExpiresAt = end, Lease = TimeSpan.FromMilliseconds(renewal.LeaseMs) };
                }
            }
        }
    }

    public RoleAllowance PermissionFor(string service, TimeSpan now)
    {
        if (ForService(service) is not { } role)
        {
            return RoleAllowance.Unrestricted;
        }

        if (!role.Active)
        {
            return new() { MayStart = false, MayKeepRunning = false, Role = role, Reason = $"standby in group {role.GroupName} (epoch {role.Epoch})" };
        }

        if (role.HoldsLease(now))
        {
            return new() { MayStart = true, MayKeepRunning = true, Role = role, ReviewIn = role.LeaseExpiresAt!.Value - now };
        }

        if (role.LeaseExpiresAt is null)
        {
            return new() { MayStart = false, MayKeepRunning = false, Role = role, Reason = $"active in group {role.GroupName} (epoch {role.Epoch}), waiting for a lease from the control plane" };
        }

        return role.Isolation == IsolationPolicy.KeepRunning
            ? new() { MayStart = false, MayKeepRunning = true, Role = role, Reason = $"lease of group {role.GroupName} lapsed; kept running by the group's isolation policy" }
            : new() { MayStart = false, MayKeepRunning = false, Role = role, Reason = $"fenced: the lease of group {role.GroupName} (epoch {role.Epoch}) lapsed without word from the control plane" };
    }

    /// <summary>The earliest lease end after <paramref name="now"/>, to look again then.</summary>
    public TimeSpan? NextExpiry(TimeSpan now) =>
        _roles.Values.Where(r => r.Active && r.LeaseExpiresAt > now).Select(r => r.LeaseExpiresAt).Min();
}
