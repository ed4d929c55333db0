using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Vigil.ControlPlane.Api;

/// <summary>
/// The document's front matter: what the API is, its tags with their descriptions, a relative server
/// (only <c>/</c>: a client resolves paths against the control plane it fetched the document from), and the
/// problem-details schemas every error response refers to.
/// </summary>
public sealed class OpenApiDescription : IOpenApiDocumentTransformer
{
    public const string Title = "Vigil control plane API";

    /// <summary>Every tag of <c>/api/v1</c> and what its operations are about.</summary>
    public static IReadOnlyDictionary<string, string> Tags { get; } = new Dictionary<string, string>
    {
        ["Nodes"] = "The servers that run a Vigil agent: their liveness, host metrics and the managed services they last reported.",
        ["Services"] = "Managed services across every node, as their agents last reported them.",
        ["Configuration"] = "The managed services the control plane wants on a node; its agent applies them.",
        ["Events"] = "What agents reported (service exits, restarts, probe results) and what failover groups did.",
        ["Commands"] = "Operator commands for a managed service (restart, start, stop, pause, continue), delivered to the node's agent.",
        ["Failover groups"] = "Groups of members (a managed service on a node) of which one is active: elections, switchovers, history and drills.",
        ["Users"] = "People who sign in, each with one role (Admin, Operator, Viewer); for admins only.",
        ["API keys"] = "Keys for scripts and other systems, each with one role, shown once; for admins only.",
        ["Audit log"] = "Who did what, to which target, from where, when, and how it ended; for operators and admins.",
        ["Agents"] = "Agents' enrolment with a token, and the enrolled agents an admin approves, revokes and forgets.",
        ["Alerts"] = "Alerts fired by the rules: firing, acknowledged, resolved, each with its deliveries to channels and every attempt.",
        ["Alert rules"] = "What fires an alert (a node away, a service unhealthy, a failover, a metric crossed) for which nodes, groups and services, and which channels are told; changed by operators.",
        ["Silences"] = "Silences keep channels quiet about the alerts their matchers match until they expire; the alerts are still recorded. Created and expired by operators.",
        ["Alert channels"] = "Where alerts are sent (e-mail, webhook, Slack, Teams, DingTalk, WeCom): secrets write-only, changed by admins, with a test message.",
        ["Enrollment tokens"] = "Tokens that let agents enrol, each shown once at creation: created, listed and revoked by admins.",
    };

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = Title,
            Version = "v1",
            Description = """
                Nodes, their managed services, desired configurations, commands, events and failover groups of a Vigil control plane.

                Errors are RFC 9457 problem details (`application/problem+json`); a request that is not valid answers 400 with `errors` naming each parameter or field at fault. Enumerations are written and read as names (`"Alive"`). Lists are paged with `page` (from 1) and `pageSize` (1 to 500) and answer `items`, `page`, `pageSize` and `totalCount`.
                """,
        };

        document.Servers = [new OpenApiServer { Url = "/", Description = "The control plane that serves this document." }];
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && Tags.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (id, type) in new[] { (OpenApiProblems.ProblemSchema, typeof(ProblemDetails)), (OpenApiProblems.ValidationProblemSchema, typeof(HttpValidationProblemDetails)) })
        {
            if (!document.Components.Schemas.ContainsKey(id))
            {
                document.Components.Schemas[id] = await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken);
            }
        }
    }
}
