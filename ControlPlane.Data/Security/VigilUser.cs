using Microsoft.AspNetCore.Identity;

namespace Vigil.ControlPlane.Data.Security;

/// <summary>A person who signs in to the dashboard or the API. Exactly one role (Admin, Operator or Viewer).</summary>
public sealed class VigilUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set for a password someone else chose (the first admin's, an admin's reset): the next sign-in must replace it.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
