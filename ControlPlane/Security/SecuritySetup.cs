using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

public static class SecuritySetup
{
    /// <summary>The scheme every request is authenticated with: an API key when one is sent, else the dashboard's cookie.</summary>
    public const string DefaultScheme = "Vigil";

    /// <summary>Users (Identity), the cookie, API keys, roles and policies, the first admin, and rate limits.</summary>
    public static IHostApplicationBuilder AddVigilSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityOptions>()
            .Bind(builder.Configuration.GetSection(SecurityOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        var settings = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

        // Session cookies, antiforgery tokens and the secrets of alert channels stay readable across restarts:
        // their keys live with the data. A standby shares them with the instance it takes over from, in the
        // database (as readable as the database itself: Windows' DPAPI protects a key for one machine only).
        var keys = builder.Services.AddDataProtection().SetApplicationName("Vigil");
        if (Decider.DeciderOptions.StandbyIn(builder.Configuration))
        {
            keys.PersistKeysToDbContext<VigilDbContext>();
        }
        else
        {
            keys.PersistKeysToFileSystem(KeysDirectory(builder));
            if (OperatingSystem.IsWindows())
            {
                keys.ProtectKeysWithDpapi(protectToLocalMachine: true);
            }
        }

        builder.Services.AddIdentityCore<VigilUser>(identity =>
            {
                identity.Password.RequiredLength = settings.PasswordMinimumLength;
                // Length, not composition rules, makes a password strong (NIST SP 800-63B).
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = settings.MaxFailedSignIns;
                identity.Lockout.DefaultLockoutTimeSpan = settings.LockoutDuration;
                identity.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<VigilDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<VigilClaimsFactory>()
            .AddDefaultTokenProviders();
        builder.Services.Configure<SecurityStampValidatorOptions>(stamp => stamp.ValidationInterval = settings.SessionValidationInterval);

        builder.Services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "API key or dashboard session", policy => policy.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { })
            .AddIdentityCookies();
        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = settings.SessionLifetime;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = AccountEndpoints.LoginPath;
            // A session outlives a database outage: its periodic check waits for the database to return.
            cookie.Events.OnValidatePrincipal = async context =>
            {
                try
                {
                    await SecurityStampValidator.ValidatePrincipalAsync(context);
                }
                catch (Exception exception) when (DatabaseOutage.Is(exception))
                {
                }
            };
            cookie.AccessDeniedPath = AccountEndpoints.AccessDeniedPath;
            cookie.Events.OnRedirectToLogin = context => IsApi(context.Request)
                ? ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Authentication is required.",
                    $"Send a valid API key in the {ApiKeyAuthenticationHandler.HeaderName} header, or sign in to the dashboard.")
                : RedirectAsync(context);
            cookie.Events.OnRedirectToAccessDenied = context => IsApi(context.Request)
                ? ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Your role does not allow this.",
                    "Your role is not enough for this request.")
                : RedirectAsync(context);
        });
        builder.Services.AddSingleton<ApiKeyUseRecorder>();
        builder.Services.AddSingleton<ApiKeyCache>();
        // The security headers say DENY for every page; antiforgery's own SAMEORIGIN would contradict it.
        builder.Services.AddAntiforgery(antiforgery => antiforgery.SuppressXFrameOptionsHeader = true);

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(VigilPolicies.Viewer, policy => policy.RequireRole(VigilRoles.Viewer, VigilRoles.Operator, VigilRoles.Admin))
            .AddPolicy(VigilPolicies.Operator, policy => policy.RequireRole(VigilRoles.Operator, VigilRoles.Admin))
            .AddPolicy(VigilPolicies.Admin, policy => policy.RequireRole(VigilRoles.Admin))
            // Anything not marked otherwise needs a signed-in user or a key of any role.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(DefaultScheme).RequireRole(VigilRoles.All).Build());
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();

        builder.Services.AddHostedService<SecurityBootstrap>();
        builder.AddVigilReverseProxy();
        builder.AddVigilRateLimits();
        return builder;
    }

    /// <summary>
    /// Every endpoint of the group needs a role: reads (GET, HEAD) Viewer, anything else Operator.
    /// An endpoint may ask for more (<c>RequireAuthorization(VigilPolicies.Admin)</c>) or for nothing
    /// (<c>AllowAnonymous()</c>). Requests are rate limited per user or key.
    /// </summary>
    public static RouteGroupBuilder RequireApiRoles(this RouteGroupBuilder api)
    {
        ((IEndpointConventionBuilder)api).Add(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            var readOnly = methods.Count > 0 && methods.All(m => HttpMethods.IsGet(m) || HttpMethods.IsHead(m));
            endpoint.Metadata.Add(new AuthorizeAttribute(readOnly ? VigilPolicies.Viewer : VigilPolicies.Operator));
        });
        api.RequireRateLimiting(RateLimitPolicies.Api);
        return api;
    }

    /// <summary>The data protection keys' folder under the data directory, readable by the service's account only.</summary>
    private static DirectoryInfo KeysDirectory(IHostApplicationBuilder builder)
    {
        var path = Path.Combine(DataDirectoryOptions.From(builder.Configuration, builder.Environment.ContentRootPath).Path, "keys");
        return OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    private static Task RedirectAsync(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
