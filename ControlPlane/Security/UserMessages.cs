using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <param name="UserName">The sign-in name; letters, digits and <c>-._@+</c>.</param>
/// <param name="Email">Optional contact address.</param>
/// <param name="Role">Admin, Operator or Viewer.</param>
/// <param name="Password">Optional; when absent a password is generated and returned once.</param>
public sealed record CreateUserRequest(string? UserName, string? Email, string? Role, string? Password);

/// <param name="Role">Admin, Operator or Viewer.</param>
public sealed record ChangeRoleRequest(string? Role);

/// <summary>A user as the API shows it: never a password hash or a security stamp.</summary>
/// <param name="Disabled">Locked by an administrator until unlocked.</param>
/// <param name="LockedOutUntil">Locked out for a while after failed sign-ins; null when not.</param>
public sealed record UserResponse(
    string Id,
    string UserName,
    string? Email,
    string Role,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt,
    bool MustChangePassword,
    bool Disabled,
    DateTimeOffset? LockedOutUntil)
{
    /// <summary>A lockout end at or beyond this instant is an administrator's lock, not a temporary lockout.</summary>
    public static readonly DateTimeOffset DisabledUntil = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static UserResponse From(VigilUser user, string role, DateTimeOffset now) => new(
        user.Id,
        user.UserName ?? "",
        user.Email,
        role,
        user.CreatedAt,
        user.LastSignInAt,
        user.MustChangePassword,
        user.LockoutEnd >= DisabledUntil,
        user.LockoutEnd is { } end && end > now && end < DisabledUntil ? end : null);
}

/// <summary>A created user; <paramref name="Password"/> is the generated one, shown only here (null when the request chose it).</summary>
public sealed record CreatedUserResponse(UserResponse User, string? Password);

/// <summary>A password set by an administrator's reset, shown only here; it must be changed at the next sign-in.</summary>
public sealed record OneTimePasswordResponse(UserResponse User, string Password);

/// <summary>Which users to list, and which page.</summary>
public sealed record UserQuery(string? Role, string? Name, int Page, int PageSize);
