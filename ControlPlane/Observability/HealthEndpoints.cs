namespace Vigil.ControlPlane.Observability;

public static class HealthEndpoints
{
    /// <summary><c>/healthz</c>: the process serves requests. <c>/readyz</c>: and its database answers.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).ExcludeFromDescription().AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") }).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
