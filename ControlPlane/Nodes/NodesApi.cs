using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Nodes;

/// <summary>REST surface of nodes: <c>/api/v1/nodes</c>.</summary>
public static class NodesApi
{
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/v1/nodes").WithTags("Nodes");
        nodes.MapGet("/", ListNodes)
            .WithName("ListNodes")
            .WithSummary("Lists nodes with their live state, filtered and paged.")
            .WithDescription("Sorted by name. Read from the control plane's memory: it answers while the database is down.")
            .Responds<PagedResult<NodeResponse>>(StatusCodes.Status200OK, "One page of nodes.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.");
        nodes.MapGet("/{id}", GetNode)
            .WithName("GetNode")
            .WithSummary("Gets one node by id.")
            .WithDescription("The node's liveness, host metrics, managed services and failover roles as its agent last reported them.")
            .Responds<NodeResponse>(StatusCodes.Status200OK, "The node.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No node has this id.");
        nodes.MapGet("/{id}/installed-services", GetInstalledServices)
            .WithName("GetInstalledServices")
            .WithSummary("Lists the Windows services installed on a node.")
            .WithDescription("As the node's agent listed them when it last registered with this control plane (by name, at most 1024): the names a `windows` managed service can take. `reported` is false for an agent on another system, or one that has not registered since the control plane started.")
            .Responds<InstalledServicesResponse>(StatusCodes.Status200OK, "The installed services.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No node has this id.");
        return app;
    }

    internal static Results<Ok<PagedResult<NodeResponse>>, ValidationProblem> ListNodes(
        NodeRegistry registry,
        TimeProvider time,
        [Description("Only nodes with this liveness: Alive, Suspect, Lost or Stopped.")] string? liveness = null,
        [Description("Only nodes whose name contains this text (any case).")] string? name = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Nodes per page, 1 to 500 (default 100).")] string? pageSize = null)
    {
        var query = new QueryParameters();
        var livenessFilter = query.OneOf<NodeLiveness>(liveness, "liveness");
        var pageNumber = query.Page(page);
        var size = query.PageSize(pageSize);
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var now = time.GetUtcNow();
        var matching = registry.Snapshot()
            .Where(n => livenessFilter is null || n.Liveness == livenessFilter)
            .Where(n => string.IsNullOrEmpty(name) || n.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(n => n.Id)
            .ToList();
        var items = matching
            .Skip((pageNumber - 1) * size)
            .Take(size)
            .Select(n => NodeResponse.From(n, now))
            .ToList();
        return TypedResults.Ok(new PagedResult<NodeResponse>(items, pageNumber, size, matching.Count));
    }

    internal static Results<Ok<NodeResponse>, ProblemHttpResult> GetNode(
        [Description("The node's id (a GUID).")] string id, NodeRegistry registry, TimeProvider time)
    {
        if (!Guid.TryParse(id, out var nodeId) || registry.Find(nodeId) is not { } node)
        {
            return NodeProblems.NotFound(id);
        }

        return TypedResults.Ok(NodeResponse.From(node, time.GetUtcNow()));
    }

    internal static Results<Ok<InstalledServicesResponse>, ProblemHttpResult> GetInstalledServices(
        [Description("The node's id (a GUID).")] string id, NodeRegistry registry)
    {
        if (!Guid.TryParse(id, out var nodeId) || registry.Find(nodeId) is not { } node)
        {
            return NodeProblems.NotFound(id);
        }

        return TypedResults.Ok(new InstalledServicesResponse(node.InstalledServices is not null, node.InstalledServices ?? []));
    }
}

/// <summary>The Windows services installed on a node; <paramref name="Reported"/> false when its agent did not list them.</summary>
public sealed record InstalledServicesResponse(bool Reported, IReadOnlyList<InstalledService> Services);
