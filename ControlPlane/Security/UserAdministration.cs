using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// What an administrator does to users, for the API and the dashboard alike. The rules: every user
/// has exactly one role; the last enabled admin can be neither demoted, disabled nor deleted; nobody
/// deletes or disables themselves. A change of role, lock or password renews the user's security
/// stamp, so their sign-in cookie stops working at its next validation.
/// </summary>
public sealed class UserAdministration(
    UserManager<VigilUser> users,
    RoleManager<IdentityRole> roles,
    VigilDbContext db,
    IOptions<IdentityOptions> identity,
    TimeProvider time)
{
    // Changes that may touch the last admin run one at a time, so two admins demoting each other
    // at the same moment cannot both succeed (within this control plane process).
    private static readonly SemaphoreSlim AdminChanges = new(1, 1);

    public async Task<(IReadOnlyList<UserResponse> Items, int Total)> ListAsync(UserQuery query, CancellationToken cancellationToken)
    {
        var selected = db.Users.AsNoTracking();
        if (query.Role is { } role)
        {
            var roleId = await RoleIdAsync(role, cancellationToken);
            selected = selected.Where(u => db.UserRoles.Any(r => r.UserId == u.Id && r.RoleId == roleId));
        }

        if (!string.IsNullOrWhiteSpace(query.Name))
        {
            var normalized = users.NormalizeName(query.Name.Trim());
            selected = selected.Where(u => u.NormalizedUserName!.Contains(normalized));
        }

        var total = await selected.CountAsync(cancellationToken);
        var page = await selected.OrderBy(u => u.NormalizedUserName)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ToListAsync(cancellationToken);
        var ids = page.Select(u => u.Id).ToList();
        var rolesOf = await (from userRole in db.UserRoles
                             join identityRole in db.Roles on userRole.RoleId equals identityRole.Id
                             where ids.Contains(userRole.UserId)
                             select new { userRole.UserId, identityRole.Name })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return ([.. page.Select(u => UserResponse.From(u, rolesOf.FirstOrDefault(r => r.UserId == u.Id)?.Name ?? "", now))], total);
    }

    public async Task<UserResponse?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        return user is null ? null : await ResponseAsync(user);
    }

    public async Task<AdministrationResult<CreatedUserResponse>> CreateAsync(CreateUserRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var userName = request.UserName?.Trim();
        if (string.IsNullOrEmpty(userName))
        {
            errors["userName"] = ["is required"];
        }
        else if (userName.Length > 256)
        {
            errors["userName"] = ["must be at most 256 characters"];
        }
        else if (AuditRecord.ReservedActors.Contains(userName))
        {
            errors["userName"] = [$"'{userName}' is reserved: the audit log uses it for its own entries"];
        }

        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        if (email is not null && (email.Length > 256 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email))
        {
            errors["email"] = ["must be an e-mail address such as ops@example.com"];
        }

        var role = UserRules.RoleOf(request.Role, errors);
        if (request.Password is { Length: 0 })
        {
            errors["password"] = ["must not be empty; leave it out to have one generated"];
        }

        if (errors.Count > 0)
        {
            return AdministrationResult.Invalid<CreatedUserResponse>(errors, "The user is not valid.");
        }

        var generated = request.Password is null ? PasswordGenerator.Create(identity.Value.Password) : null;
        var user = new VigilUser
        {
            UserName = userName,
            Email = email,
            CreatedAt = time.GetUtcNow(),
            MustChangePassword = true,
            LockoutEnabled = true,
        };

        await EnsureRoleAsync(role!);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(user, request.Password ?? generated!);
        if (!created.Succeeded)
        {
            return AdministrationResult.Invalid<CreatedUserResponse>(UserRules.ErrorsOf(created), "The user is not valid.");
        }

        var added = await users.AddToRoleAsync(user, role!);
        if (!added.Succeeded)
        {
            return AdministrationResult.Invalid<CreatedUserResponse>(UserRules.ErrorsOf(added), "The user is not valid.");
        }

        await transaction.CommitAsync(cancellationToken);
        return AdministrationResult.Done<CreatedUserResponse>(new CreatedUserResponse(UserResponse.From(user, role!, time.GetUtcNow()), generated));
    }

    public async Task<AdministrationResult<UserResponse>> ChangeRoleAsync(string id, ChangeRoleRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var role = UserRules.RoleOf(request.Role, errors);
        if (errors.Count > 0)
        {
            return AdministrationResult.Invalid<UserResponse>(errors, "The role is not valid.");
        }

        await AdminChanges.WaitAsync(cancellationToken);
        try
        {
            if (await users.FindByIdAsync(id) is not { } user)
            {
                return NotFound<UserResponse>(id);
            }

            var current = await users.GetRolesAsync(user);
            if (current.Count == 1 && current[0] == role)
            {
                return AdministrationResult.Done<UserResponse>(await ResponseAsync(user));
            }

            if (role != VigilRoles.Admin && await IsLastEnabledAdminAsync(user))
            {
                return LastAdmin<UserResponse>("demoted");
            }

            await EnsureRoleAsync(role!);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            UserRules.Check(await users.RemoveFromRolesAsync(user, current));
            UserRules.Check(await users.AddToRoleAsync(user, role!));
            UserRules.Check(await users.UpdateSecurityStampAsync(user));
            await transaction.CommitAsync(cancellationToken);
            return AdministrationResult.Done<UserResponse>(UserResponse.From(user, role!, time.GetUtcNow()));
        }
        finally
        {
            AdminChanges.Release();
        }
    }

    /// <summary>Sets a generated password that must be changed at the next sign-in, and ends the user's sessions.</summary>
    public async Task<AdministrationResult<OneTimePasswordResponse>> ResetPasswordAsync(string id, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return NotFound<OneTimePasswordResponse>(id);
        }

        var password = PasswordGenerator.Create(identity.Value.Password);
        foreach (var validator in users.PasswordValidators)
        {
            UserRules.Check(await validator.ValidateAsync(users, user, password));
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.MustChangePassword = true;
        UserRules.Check(await users.UpdateSecurityStampAsync(user));
        return AdministrationResult.Done<OneTimePasswordResponse>(new OneTimePasswordResponse(await ResponseAsync(user), password));
    }

    /// <summary>Disables the user until unlocked: no sign-in, and their cookie stops working.</summary>
    public async Task<AdministrationResult<UserResponse>> LockAsync(string id, string? actingUserId, CancellationToken cancellationToken)
    {
        await AdminChanges.WaitAsync(cancellationToken);
        try
        {
            if (await users.FindByIdAsync(id) is not { } user)
            {
                return NotFound<UserResponse>(id);
            }

            if (user.Id == actingUserId)
            {
                return AdministrationResult.Conflict<UserResponse>("You cannot lock yourself.", "Ask another admin to lock your account.");
            }

            if (await IsLastEnabledAdminAsync(user))
            {
                return LastAdmin<UserResponse>("locked");
            }

            user.LockoutEnabled = true;
            user.LockoutEnd = DateTimeOffset.MaxValue;
            UserRules.Check(await users.UpdateSecurityStampAsync(user));
            return AdministrationResult.Done<UserResponse>(await ResponseAsync(user));
        }
        finally
        {
            AdminChanges.Release();
        }
    }

    /// <summary>Enables a disabled user and ends a lockout after failed sign-ins.</summary>
    public async Task<AdministrationResult<UserResponse>> UnlockAsync(string id, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return NotFound<UserResponse>(id);
        }

        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        UserRules.Check(await users.UpdateSecurityStampAsync(user));
        return AdministrationResult.Done<UserResponse>(await ResponseAsync(user));
    }

    public async Task<AdministrationResult<UserResponse>> DeleteAsync(string id, string? actingUserId, CancellationToken cancellationToken)
    {
        await AdminChanges.WaitAsync(cancellationToken);
        try
        {
            if (await users.FindByIdAsync(id) is not { } user)
            {
                return NotFound<UserResponse>(id);
            }

            if (user.Id == actingUserId)
            {
                return AdministrationResult.Conflict<UserResponse>("You cannot delete yourself.", "Ask another admin to delete your account.");
            }

            if (await IsLastEnabledAdminAsync(user))
            {
                return LastAdmin<UserResponse>("deleted");
            }

            var response = await ResponseAsync(user);
            UserRules.Check(await users.DeleteAsync(user));
            return AdministrationResult.Done<UserResponse>(response);
        }
        finally
        {
            AdminChanges.Release();
        }
    }

    private static AdministrationResult<T> NotFound<T>(string id) =>
        AdministrationResult.NotFound<T>("User not found.", $"No user has the id '{id}'.");

    private static AdministrationResult<T> LastAdmin<T>(string change) =>
        AdministrationResult.Conflict<T>(
            $"The last admin cannot be {change}.",
            "Give another user the Admin role first, so that someone can still manage users and API keys.");

    private async Task<bool> IsLastEnabledAdminAsync(VigilUser user)
    {
        if (!await users.IsInRoleAsync(user, VigilRoles.Admin) || IsDisabled(user))
        {
            return false;
        }

        var admins = await users.GetUsersInRoleAsync(VigilRoles.Admin);
        return admins.Count(a => !IsDisabled(a)) <= 1;
    }

    private static bool IsDisabled(VigilUser user) => user.LockoutEnd >= UserResponse.DisabledUntil;

    private async Task<UserResponse> ResponseAsync(VigilUser user) =>
        UserResponse.From(user, (await users.GetRolesAsync(user)).FirstOrDefault() ?? "", time.GetUtcNow());

    private async Task<string?> RoleIdAsync(string role, CancellationToken cancellationToken)
    {
        var normalized = roles.NormalizeKey(role);
        return await db.Roles.Where(r => r.NormalizedName == normalized).Select(r => r.Id).SingleOrDefaultAsync(cancellationToken);
    }

    private async Task EnsureRoleAsync(string role)
    {
        if (!await roles.RoleExistsAsync(role))
        {
            var created = await roles.CreateAsync(new IdentityRole(role));
            if (!created.Succeeded && !await roles.RoleExistsAsync(role))
            {
                UserRules.Check(created);
            }
        }
    }
}
