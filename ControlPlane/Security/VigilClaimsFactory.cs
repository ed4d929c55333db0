using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <summary>Adds the must-change-password mark to a session whose password someone else chose.</summary>
internal sealed class VigilClaimsFactory(UserManager<VigilUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<VigilUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(VigilUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(AccountEndpoints.MustChangePasswordClaim, "true"));
        }

        return identity;
    }
}
