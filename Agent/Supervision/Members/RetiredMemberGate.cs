using Vigil.Agent.Roles;

namespace Vigil.Agent.Supervision.Members;

/// <summary>
/// The role gate of a failover-group member that is no longer defined on this node: it may not run
/// at all, and it is fenced (stopped at once, killed at the fence deadline), since it could be the
/// group's active member. It stays so until its group releases it.
/// </summary>
internal sealed class RetiredMemberGate(IRoleGate roles, string reason) : IRoleGate
{
    public event Action<string>? Changed
    {
        add => roles.Changed += value;
        remove => roles.Changed -= value;
    }

    public RoleAllowance PermissionFor(string service)
    {
        var role = roles.PermissionFor(service).Role;
        return new()
        {
            MayStart = false,
            MayKeepRunning = false,
            Fence = true,
            KillAfter = (role?.FenceAllowance ?? TimeSpan.FromSeconds(1)) / 2,
            Role = role,
            Reason = reason,
        };
    }

    public void HealthChanged(string service) => roles.HealthChanged(service);
}
