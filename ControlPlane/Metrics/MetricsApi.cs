using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Metrics;

/// <summary>REST surface of node metric history: <c>/api/v1/nodes/{id}/metrics</c>.</summary>
public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/nodes").WithTags("Nodes")
            .MapGet("/{id}/metrics", GetNodeMetrics)
            .WithName("GetNodeMetrics")
            .WithSummary("Gets a node's host CPU and memory history: minute points up to 24 h, hourly points beyond, and the minute still open.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Ok<NodeMetricsResponse>, ValidationProblem, ProblemHttpResult>> GetNodeMetrics(
        [Description("The node's id (a GUID).")] string id,
        NodeRegistry registry,
        NodeMetricsHistory history,
        [Description("How far back: 1h (default), 6h or 24h at minute resolution; 7d or 30d at hour resolution.")] string? range = null,
        CancellationToken cancellationToken = default)
    {
        if (MetricRange.Parse(range) is not { } metricRange)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["range"] = [$"must be one of {string.Join(", ", MetricRange.All.Select(r => r.Name))}"] },
                title: "The query is not valid.");
        }

        if (!Guid.TryParse(id, out var nodeId) || registry.Find(nodeId) is null)
        {
            return NodeProblems.NotFound(id);
        }

        try
        {
            return TypedResults.Ok(NodeMetricsResponse.Of(await history.ReadAsync(nodeId, metricRange, cancellationToken)));
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The database is unavailable.",
                detail: "The metric history cannot be read right now; minutes completed meanwhile are kept and stored when the database answers. Try again when the control plane reports ready (/readyz).");
        }
    }
}
