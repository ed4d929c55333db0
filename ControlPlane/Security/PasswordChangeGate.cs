namespace Vigil.ControlPlane.Security;

/// <summary>
/// A session whose password must be changed reaches only the password page (and sign-out): pages
/// redirect there, the API answers 403.
/// </summary>
internal static class PasswordChangeGate
{
    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!AccountEndpoints.MustChangePassword(context.User) || IsAllowed(context.Request.Path))
        {
            await next(context);
            return;
        }

        if (context.Request.Path.StartsWithSegments("/api"))
        {
            await ProblemResponses.WriteAsync(context, StatusCodes.Status403Forbidden, "Change your password first.",
                $"This account has a one-time password. Choose a new one at {AccountEndpoints.PasswordPath}.");
            return;
        }

        context.Response.Redirect(AccountEndpoints.PasswordPath);
    });

    private static bool IsAllowed(PathString path) =>
        path.StartsWithSegments("/account") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
        || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz")
        || Path.HasExtension(path.Value);
}
