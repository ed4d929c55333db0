using System.Security.Claims;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Identity;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Jobs;

/// <summary>
/// Admits to Hangfire's dashboard only an Admin signed in to the dashboard (its cookie): an API key
/// is for the REST API, not for pages. Hangfire answers 401 to anyone not signed in and 403 to a
/// signed-in user this refuses.
/// </summary>
public sealed class AdminDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => Admits(context.GetHttpContext().User);

    public static bool Admits(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true } identity
        && identity.AuthenticationType == IdentityConstants.ApplicationScheme
        && user.IsInRole(VigilRoles.Admin);
}
