namespace Vigil.ControlPlane.Security;

/// <summary>
/// Headers that keep browsers from framing, sniffing or leaking the dashboard, and a refusal of
/// cross-site changes made with the dashboard's cookie (which is SameSite=Strict as well).
/// </summary>
internal static class SecurityHeaders
{
    // MudBlazor sets inline styles; Blazor needs its WebSocket to the same origin ('self').
    private const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    // The interactive API page runs inline scripts of its own, evaluates code and starts workers.
    private const string ApiPagePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public static IApplicationBuilder UseVigilSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/scalar") ? ApiPagePolicy : DashboardPolicy;
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }

        await next(context);
    });

    /// <summary>Refuses an API change sent from another site with the dashboard's cookie (403).</summary>
    public static IApplicationBuilder UseCrossSiteRefusal(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsCrossSiteChange(context.Request))
        {
            await ProblemResponses.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused.",
                "A change sent from another site with the dashboard's session is not accepted; use an API key.");
            return;
        }

        await next(context);
    });

    /// <summary>A change to the API carrying no API key, whose Origin is not this site.</summary>
    private static bool IsCrossSiteChange(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || !request.Path.StartsWithSegments("/api") || request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site";
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals($"{uri.Host}:{uri.Port}", $"{request.Host.Host}:{request.Host.Port ?? (request.IsHttps ? 443 : 80)}", StringComparison.OrdinalIgnoreCase);
    }
}
