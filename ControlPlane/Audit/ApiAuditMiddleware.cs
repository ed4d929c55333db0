namespace Vigil.ControlPlane.Audit;

/// <summary>
/// Audits every request that may change something under <c>/api/v1</c> (any method but GET, HEAD
/// and OPTIONS), including those refused: the endpoint's name is the action, the path the target,
/// the status the outcome. Bodies are never recorded (they may hold passwords or tokens); an
/// endpoint adds a detail or names a better actor through <see cref="AuditContext"/>.
/// </summary>
internal sealed class ApiAuditMiddleware(RequestDelegate next, IAuditTrail trail)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsAudited(context.Request))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            await trail.RecordAsync(RecordOf(context), CancellationToken.None);
        }
    }

    private static bool IsAudited(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/v1")
        && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);

    private static AuditRecord RecordOf(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var action = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
            ?? $"{context.Request.Method} {context.Request.Path}";
        var status = context.Response.StatusCode;
        var outcome = status switch
        {
            < 400 => AuditOutcome.Succeeded,
            StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests => AuditOutcome.Denied,
            _ => AuditOutcome.Failed,
        };
        var detail = AuditContext.DetailOf(context);
        var location = context.Response.Headers.Location.ToString();
        var summary = $"HTTP {status}"
            + (location.Length > 0 ? $", created {location}" : "")
            + (detail is null ? "" : $": {detail}");
        return new AuditRecord(
            AuditContext.ActorOf(context) ?? AuditRecord.ActorOf(context.User),
            action,
            context.Request.Path.Value,
            context.Connection.RemoteIpAddress?.ToString(),
            outcome,
            summary)
        {
            Unauthenticated = context.User.Identity?.IsAuthenticated != true,
        };
    }
}

/// <summary>What an endpoint adds to the audit entry of its request.</summary>
public static class AuditContext
{
    private const string ActorKey = "Vigil.Audit.Actor";
    private const string DetailKey = "Vigil.Audit.Detail";

    /// <summary>Names the actor when the request has no user (an agent enrolling, a sign-in).</summary>
    public static void SetActor(HttpContext context, string actor) => context.Items[ActorKey] = actor;

    /// <summary>A short, secret-free explanation: the id created, the reason of a refusal.</summary>
    public static void SetDetail(HttpContext context, string detail) => context.Items[DetailKey] = detail;

    internal static string? ActorOf(HttpContext context) => context.Items[ActorKey] as string;

    internal static string? DetailOf(HttpContext context) => context.Items[DetailKey] as string;
}
