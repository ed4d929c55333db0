namespace Vigil.ControlPlane.Security;

/// <summary>Requests allowed per minute. Bound from the <c>RateLimits</c> section.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in attempts per remote address.</summary>
    public int LoginPerMinute { get; set; } = 10;

    /// <summary>Agent enrolments per remote address.</summary>
    public int EnrollmentPerMinute { get; set; } = 10;

    /// <summary>REST API requests per user or API key (anonymous ones per remote address).</summary>
    public int ApiPerMinute { get; set; } = 1200;
}

/// <summary>Names of the rate limiter's policies.</summary>
public static class RateLimitPolicies
{
    public const string Login = "login";
    public const string Enrollment = "enrollment";
    public const string Api = "api";
}
