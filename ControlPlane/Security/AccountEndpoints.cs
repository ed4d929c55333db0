using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// Sign-in, sign-out and password change for the dashboard: HTML forms (with antiforgery tokens)
/// posted here, answered with redirects. Every attempt is audited and sign-ins are rate limited.
/// </summary>
public static class AccountEndpoints
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string PasswordPath = "/account/password";
    public const string AccessDeniedPath = "/account/denied";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();
        account.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(RateLimitPolicies.Login);
        account.MapPost("/logout", LogoutAsync).AllowAnonymous();
        account.MapPost("/password", ChangePasswordAsync).RequireRateLimiting(RateLimitPolicies.Login);
        return app;
    }

    public sealed class LoginForm
    {
        public string? UserName { get; set; }

        public string? Password { get; set; }

        public string? ReturnUrl { get; set; }
    }

    public sealed class PasswordForm
    {
        public string? CurrentPassword { get; set; }

        public string? NewPassword { get; set; }

        public string? ConfirmPassword { get; set; }

        public string? ReturnUrl { get; set; }
    }

    private static async Task<IResult> LoginAsync(
        [FromForm] LoginForm form,
        SignInManager<VigilUser> signIn,
        UserManager<VigilUser> users,
        IAuditTrail audit,
        TimeProvider time,
        HttpContext http)
    {
        var userName = (form.UserName ?? "").Trim();
        var returnUrl = LocalOrHome(form.ReturnUrl);
        var source = http.Connection.RemoteIpAddress?.ToString();
        if (userName.Length == 0 || string.IsNullOrEmpty(form.Password) || userName.Length > 256 || form.Password.Length > 512)
        {
            return Results.Redirect(LoginPage("invalid", returnUrl));
        }

        var result = await signIn.PasswordSignInAsync(userName, form.Password, isPersistent: false, lockoutOnFailure: true);
        var outcome = result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Denied;
        var reason = result switch
        {
            { Succeeded: true } => null,
            { IsLockedOut: true } => "locked out",
            { IsNotAllowed: true } => "not allowed",
            _ => "wrong user name or password",
        };
        await audit.RecordAsync(new AuditRecord(userName, "account.login", $"user/{userName}", source, outcome, reason) { Unauthenticated = !result.Succeeded });
        if (result.IsLockedOut)
        {
            return Results.Redirect(LoginPage("locked", returnUrl));
        }

        if (!result.Succeeded)
        {
            return Results.Redirect(LoginPage("invalid", returnUrl));
        }

        var user = await users.FindByNameAsync(userName);
        if (user is not null)
        {
            user.LastSignInAt = time.GetUtcNow();
            await users.UpdateAsync(user);
            if (user.MustChangePassword)
            {
                return Results.Redirect($"{PasswordPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
            }
        }

        return Results.LocalRedirect(returnUrl);
    }

    private static async Task<IResult> LogoutAsync(SignInManager<VigilUser> signIn, IAuditTrail audit, HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            await audit.RecordAsync(new AuditRecord(AuditRecord.ActorOf(http.User), "account.logout", null,
                http.Connection.RemoteIpAddress?.ToString(), AuditOutcome.Succeeded));
        }

        await signIn.SignOutAsync();
        return Results.Redirect(LoginPath);
    }

    private static async Task<IResult> ChangePasswordAsync(
        [FromForm] PasswordForm form,
        SignInManager<VigilUser> signIn,
        UserManager<VigilUser> users,
        IAuditTrail audit,
        HttpContext http)
    {
        var returnUrl = LocalOrHome(form.ReturnUrl);
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return Results.Redirect(LoginPath);
        }

        string? error = null;
        if (string.IsNullOrEmpty(form.CurrentPassword) || string.IsNullOrEmpty(form.NewPassword))
        {
            error = "Enter your current password and a new one.";
        }
        else if (form.NewPassword != form.ConfirmPassword)
        {
            error = "The new password and its confirmation differ.";
        }
        else if (form.NewPassword == form.CurrentPassword)
        {
            error = "Choose a password different from the current one.";
        }
        else
        {
            var changed = await users.ChangePasswordAsync(user, form.CurrentPassword, form.NewPassword);
            error = changed.Succeeded ? null : string.Join(" ", changed.Errors.Select(e => e.Description));
        }

        var source = http.Connection.RemoteIpAddress?.ToString();
        if (error is not null)
        {
            await audit.RecordAsync(new AuditRecord(user.UserName!, "account.password", $"user/{user.UserName}", source, AuditOutcome.Failed, error));
            return Results.Redirect($"{PasswordPath}?error={Uri.EscapeDataString(error)}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await signIn.RefreshSignInAsync(user);
        await audit.RecordAsync(new AuditRecord(user.UserName!, "account.password", $"user/{user.UserName}", source, AuditOutcome.Succeeded));
        return Results.LocalRedirect(returnUrl);
    }

    /// <summary>Only a local path is followed after sign-in, never another site.</summary>
    internal static string LocalOrHome(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.StartsWith(LoginPath, StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/";

    private static string LoginPage(string error, string returnUrl) =>
        $"{LoginPath}?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>The claim set on sessions that must change their password before anything else.</summary>
    public const string MustChangePasswordClaim = "vigil:must-change-password";

    internal static bool MustChangePassword(ClaimsPrincipal user) => user.HasClaim(c => c.Type == MustChangePasswordClaim);
}
