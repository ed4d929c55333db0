using Vigil.Agent.Roles;

namespace Vigil.Agent.Tests.Supervision;

/// <summary>A role gate for services in no failover group: everything is allowed.</summary>
internal sealed class NoRoles : IRoleGate
{
    public event Action<string>? Changed
    {
        add { }
        remove { }
    }

    public RoleAllowance PermissionFor(string service) => RoleAllowance.Unrestricted;

    public void HealthChanged(string service)
    {
    }
}
