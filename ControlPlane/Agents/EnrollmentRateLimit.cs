using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// The <c>enrollment</c> rate limit: per remote address, <c>RateLimits:EnrollmentPerMinute</c>
/// (default 10) enrolments a minute; more are answered 429.
/// </summary>
public static class EnrollmentRateLimit
{
    public const int DefaultPerMinute = 10;

    public static IHostApplicationBuilder AddEnrollmentRateLimit(this IHostApplicationBuilder builder)
    {
        var perMinute = builder.Configuration.GetValue("RateLimits:EnrollmentPerMinute", DefaultPerMinute);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AgentsApi.EnrollmentRateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return builder;
    }
}
