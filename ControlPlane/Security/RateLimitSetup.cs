using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Security;

internal static class RateLimitSetup
{
    /// <summary>Fixed one-minute windows: sign-ins and enrolments per remote address, API requests per identity.</summary>
    public static IHostApplicationBuilder AddVigilRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.LoginPerMinute > 0 && o.EnrollmentPerMinute > 0 && o.ApiPerMinute > 0,
                "RateLimits:LoginPerMinute, EnrollmentPerMinute and ApiPerMinute must be positive.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests.",
                    "Slow down and try again after the time in the Retry-After header.");
            };
            limiter.AddPolicy(RateLimitPolicies.Login, context => PerMinute($"login:{RemoteAddress(context)}", Limits(context).LoginPerMinute));
            limiter.AddPolicy(RateLimitPolicies.Enrollment, context => PerMinute($"enrol:{RemoteAddress(context)}", Limits(context).EnrollmentPerMinute));
            limiter.AddPolicy(RateLimitPolicies.Api, context => PerMinute(
                context.User.Identity is { IsAuthenticated: true, Name: { } name } ? $"api:user:{name}" : $"api:address:{RemoteAddress(context)}",
                Limits(context).ApiPerMinute));
        });
        return builder;
    }

    private static RateLimitOptions Limits(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static string RemoteAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
