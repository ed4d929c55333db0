using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vigil.ControlPlane.Observability;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>/healthz</c>: the process serves requests. <c>/readyz</c>: and its database answers (503
    /// otherwise); a dependency it can do without for a while (Redis) makes it <c>Degraded</c>, still
    /// 200. The first line is the status; one line follows per check that is not healthy, saying why.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).ExcludeFromDescription().AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = IsReadiness, ResponseWriter = WriteAsync }).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    public static bool IsReadiness(HealthCheckRegistration check) => check.Tags.Contains("ready");

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString()).Append('\n');
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append(": ").Append(entry.Status).Append(": ").Append(entry.Description ?? entry.Exception?.Message).Append('\n');
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }
}
