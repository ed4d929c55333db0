using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Failover;

/// <summary>REST surface of failover groups: <c>/api/v1/groups</c>, their switchovers, history and drills.</summary>
public static class FailoverApi
{
    public static IEndpointRouteBuilder MapFailoverApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/v1/groups").WithTags("Failover groups");
        groups.MapGet("/", ListGroups).WithName("ListGroups").WithSummary("Lists failover groups with their live status.");
        groups.MapPost("/", (GroupRequest request, FailoverGroups service, CancellationToken cancellationToken) => service.CreateAsync(request, cancellationToken))
            .WithName("CreateGroup").WithSummary("Creates a failover group; it elects its active member at once.");
        groups.MapGet("/{id}", GetGroup).WithName("GetGroup").WithSummary("Gets one failover group.").ProducesProblem(StatusCodes.Status404NotFound);
        groups.MapPut("/{id}", UpdateGroup).WithName("UpdateGroup").WithSummary("Replaces a group's members and policy; the active member must stay.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        groups.MapDelete("/{id}", DeleteGroup).WithName("DeleteGroup").WithSummary("Deletes a group; its members' services return to plain supervision.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        groups.MapPost("/{id}/switchover", Switchover).WithName("Switchover")
            .WithSummary("Moves the active role gracefully, to the given node or the best standby: the old member stops before the new one starts.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        groups.MapPost("/{id}/confirm-down", ConfirmDown).WithName("ConfirmNodeDown")
            .WithSummary("An operator confirms a member's unreachable node is down (isolation KeepRunning), so the group may fail over.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        groups.MapGet("/{id}/history", History).WithName("GroupHistory").WithSummary("The group's failovers and switchovers with their timelines and RTO, newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        groups.MapPost("/{id}/drills", StartDrill).WithName("StartDrill").WithSummary("Runs a drill now: a switchover or a fault injection; the report follows at /api/v1/drills/{id}.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        groups.MapGet("/{id}/drills", ListDrills).WithName("ListDrills").WithSummary("The group's drills and their reports, newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/v1/drills/{id}", GetDrill).WithTags("Failover groups").WithName("GetDrill").WithSummary("One drill's report.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static Ok<IReadOnlyList<GroupResponse>> ListGroups(FailoverCoordinator coordinator) =>
        TypedResults.Ok<IReadOnlyList<GroupResponse>>([.. coordinator.Views().Select(GroupResponse.From)]);

    internal static Results<Ok<GroupResponse>, ProblemHttpResult> GetGroup([Description("The group's id (a GUID).")] string id, FailoverCoordinator coordinator) =>
        Guid.TryParse(id, out var groupId) && coordinator.View(groupId) is { } view ? TypedResults.Ok(GroupResponse.From(view)) : GroupProblems.NotFound(id);

    internal static async Task<Results<Ok<GroupResponse>, ValidationProblem, ProblemHttpResult>> UpdateGroup(
        [Description("The group's id (a GUID).")] string id, GroupRequest request, FailoverGroups service, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var groupId) ? await service.UpdateAsync(groupId, request, cancellationToken) : GroupProblems.NotFound(id);

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteGroup(
        [Description("The group's id (a GUID).")] string id, FailoverGroups service, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var groupId) ? await service.DeleteAsync(groupId, cancellationToken) : GroupProblems.NotFound(id);

    internal static Results<Accepted<GroupResponse>, ValidationProblem, ProblemHttpResult> Switchover(
        [Description("The group's id (a GUID).")] string id, SwitchoverBody? body, FailoverGroups service) =>
        Guid.TryParse(id, out var groupId) ? service.Switchover(groupId, body) : GroupProblems.NotFound(id);

    internal static Results<Accepted<GroupResponse>, ValidationProblem, ProblemHttpResult> ConfirmDown(
        [Description("The group's id (a GUID).")] string id, ConfirmDownBody? body, FailoverGroups service) =>
        Guid.TryParse(id, out var groupId) ? service.ConfirmDown(groupId, body) : GroupProblems.NotFound(id);

    internal static async Task<Results<Ok<PagedResult<HistoryResponse>>, ValidationProblem, ProblemHttpResult>> History(
        [Description("The group's id (a GUID).")] string id,
        FailoverCoordinator coordinator,
        GroupStore store,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Entries per page, 1 to 500 (default 50).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(id, out var groupId) || coordinator.View(groupId) is null)
        {
            return GroupProblems.NotFound(id);
        }

        var query = new QueryParameters();
        var (number, size) = (query.Page(page), query.PageSize(pageSize, fallback: 50));
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await store.HistoryAsync(groupId, number, size, cancellationToken);
        return TypedResults.Ok(new PagedResult<HistoryResponse>([.. items.Select(HistoryResponse.From)], number, size, total));
    }

    internal static async Task<Results<Accepted<DrillResponse>, ValidationProblem, ProblemHttpResult>> StartDrill(
        [Description("The group's id (a GUID).")] string id, DrillBody? body, FailoverCoordinator coordinator, DrillRunner drills, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var groupId) || coordinator.View(groupId) is null)
        {
            return GroupProblems.NotFound(id);
        }

        var errors = new Dictionary<string, string[]>();
        var kind = GroupValidator.Parse(body?.Kind, DrillKind.Switchover, "kind", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The drill is not valid.");
        }

        var (drill, refusal) = await drills.StartAsync(groupId, kind, "operator", cancellationToken);
        return drill is null ? GroupProblems.Conflict($"The drill cannot start: {refusal}.") : TypedResults.Accepted($"/api/v1/drills/{drill.Id}", DrillResponse.From(drill));
    }

    internal static async Task<Results<Ok<PagedResult<DrillResponse>>, ValidationProblem, ProblemHttpResult>> ListDrills(
        [Description("The group's id (a GUID).")] string id,
        FailoverCoordinator coordinator,
        DrillRunner drills,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Drills per page, 1 to 500 (default 50).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(id, out var groupId) || coordinator.View(groupId) is null)
        {
            return GroupProblems.NotFound(id);
        }

        var query = new QueryParameters();
        var (number, size) = (query.Page(page), query.PageSize(pageSize, fallback: 50));
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await drills.ListAsync(groupId, number, size, cancellationToken);
        return TypedResults.Ok(new PagedResult<DrillResponse>([.. items.Select(DrillResponse.From)], number, size, total));
    }

    internal static async Task<Results<Ok<DrillResponse>, ProblemHttpResult>> GetDrill([Description("The drill's id (a GUID).")] string id, DrillRunner drills, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var drillId) && await drills.FindAsync(drillId, cancellationToken) is { } drill
            ? TypedResults.Ok(DrillResponse.From(drill))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Drill not found.", detail: $"No drill has the id '{id}'.");
}
