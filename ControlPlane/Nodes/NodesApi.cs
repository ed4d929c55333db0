using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Nodes;

/// <summary>REST surface of nodes: <c>/api/v1/nodes</c>.</summary>
public static class NodesApi
{
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/v1/nodes").WithTags("Nodes");
        nodes.MapGet("/", ListNodes)
            .WithName("ListNodes")
            .WithSummary("Lists nodes with their live state, filtered and paged.");
        nodes.MapGet("/{id}", GetNode)
            .WithName("GetNode")
            .WithSummary("Gets one node by id.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static Results<Ok<PagedResult<NodeResponse>>, ValidationProblem> ListNodes(
        NodeRegistry registry,
        TimeProvider time,
        [Description("Only nodes with this liveness: Alive, Suspect or Lost.")] string? liveness = null,
        [Description("Only nodes whose name contains this text (any case).")] string? name = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Nodes per page, 1 to 500 (default 100).")] string? pageSize = null)
    {
        var errors = new Dictionary<string, string[]>();
        NodeLiveness? livenessFilter = null;
        if (liveness is not null)
        {
            if (Enum.TryParse<NodeLiveness>(liveness, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                livenessFilter = parsed;
            }
            else
            {
                errors["liveness"] = [$"must be one of {string.Join(", ", Enum.GetNames<NodeLiveness>())}"];
            }
        }

        var pageNumber = ParseInt(page, "page", 1, 1, int.MaxValue, errors);
        var size = ParseInt(pageSize, "pageSize", 100, 1, MaxPageSize, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The query is not valid.");
        }

        var now = time.GetUtcNow();
        var matching = registry.Snapshot()
            .Where(n => livenessFilter is null || n.Liveness == livenessFilter)
            .Where(n => string.IsNullOrEmpty(name) || n.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(n => n.Id)
            .ToList();
        var items = matching
            .Skip((int)Math.Min(int.MaxValue, (long)(pageNumber - 1) * size))
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
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Node not found.",
                detail: $"No node has the id '{id}'.");
        }

        return TypedResults.Ok(NodeResponse.From(node, time.GetUtcNow()));
    }

    private static int ParseInt(string? text, string field, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors[field] = [$"must be a whole number from {min} to {max}"];
        return fallback;
    }
}
