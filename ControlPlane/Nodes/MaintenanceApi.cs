using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Nodes;

/// <summary>REST surface of a node's maintenance: <c>/api/v1/nodes/{id}/maintenance</c>, for operators.</summary>
public static class MaintenanceApi
{
    public static IEndpointRouteBuilder MapMaintenanceApi(this IEndpointRouteBuilder app)
    {
        var maintenance = app.MapGroup("/api/v1/nodes/{id:guid}/maintenance").WithTags("Nodes").RequireAuthorization(VigilPolicies.Operator);
        maintenance.MapPost("/", EnterMaintenance).WithName("EnterMaintenance")
            .WithSummary("Puts a node in maintenance (operators): drains it, keeps it out of elections and silences its alerts.")
            .WithDescription("Each group whose active member is on the node switches over to its best eligible standby on another node; the answer lists every such group and whether it is switching over or stays (and why). Asking again changes the reason and the end.")
            .Responds<MaintenanceResponse>(StatusCodes.Status202Accepted, "The node is in maintenance; the switchovers run after the answer.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "`reason` is missing or too long, or `until` is not in the future; `errors` names each field.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No node has this id.")
            .NeedsTheDatabase();
        maintenance.MapDelete("/", LeaveMaintenance).WithName("LeaveMaintenance")
            .WithSummary("Takes a node out of maintenance (operators): its members are eligible standbys again.")
            .WithDescription("Nothing moves back by itself, except as a group's failback policy says.")
            .Responds(StatusCodes.Status204NoContent, "The node has left maintenance.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No node has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The node is not in maintenance.")
            .NeedsTheDatabase();
        return app;
    }

    internal static async Task<Results<Accepted<MaintenanceResponse>, ValidationProblem, ProblemHttpResult>> EnterMaintenance(
        [Description("The node's id (a GUID).")] Guid id, MaintenanceRequest? body, NodeRegistry registry, MaintenanceMode mode, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (registry.Find(id) is not { } node)
        {
            return NodeProblems.NotFound(id.ToString());
        }

        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var reason = body?.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > Node.MaintenanceReasonMaxLength)
        {
            errors["reason"] = [$"is required: why the node is in maintenance, at most {Node.MaintenanceReasonMaxLength} characters"];
        }

        if (body?.Until is { } until && until <= now)
        {
            errors["until"] = ["must be in the future; leave it out to end the maintenance by hand"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The maintenance is not valid.");
        }

        var maintenance = new NodeMaintenance(reason!, AuditRecord.ActorOf(http.User), now, body?.Until);
        var drains = await mode.EnterAsync(node, maintenance, cancellationToken);
        AuditContext.SetDetail(http, $"node {node.Name} in maintenance: {reason}; " + (drains.Count == 0 ? "active in no group" : string.Join("; ", drains.Select(d => $"{d.Group}: {d.Detail}"))));
        return TypedResults.Accepted($"/api/v1/nodes/{id}", new MaintenanceResponse(id, node.Name, maintenance, drains));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> LeaveMaintenance(
        [Description("The node's id (a GUID).")] Guid id, NodeRegistry registry, MaintenanceMode mode, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (registry.Find(id) is not { } node)
        {
            return NodeProblems.NotFound(id.ToString());
        }

        if (node.Maintenance is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The node is not in maintenance.", detail: $"Node {node.Name} is not in maintenance.");
        }

        await mode.LeaveAsync(node, cancellationToken);
        AuditContext.SetDetail(http, $"node {node.Name} left maintenance");
        return TypedResults.NoContent();
    }
}

/// <summary>Why the node goes into maintenance, and when it ends by itself (absent: when an operator ends it).</summary>
public sealed record MaintenanceRequest(
    [property: Description("Why, for the audit log and the dashboard: at most 512 characters.")] string? Reason,
    [property: Description("When the maintenance ends by itself; absent: when an operator ends it.")] DateTimeOffset? Until);

/// <summary>The node's maintenance and what it did to each group whose active member was on the node.</summary>
public sealed record MaintenanceResponse(Guid NodeId, string Node, NodeMaintenance Maintenance, IReadOnlyList<GroupDrain> Groups);
