using System.Net;
using System.Security.Claims;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Monitoring;

/// <summary>Who may read <c>/metrics</c>: any role's API key, or, when allowed, anyone on this machine.</summary>
public static class MetricsAccess
{
    public const string Policy = "Metrics";

    public static bool Allows(ClaimsPrincipal user, IPAddress? remote, bool anonymousFromLoopback) =>
        VigilRoles.All.Any(user.IsInRole)
        || (anonymousFromLoopback && remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote));
}
