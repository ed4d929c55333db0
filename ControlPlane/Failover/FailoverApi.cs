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
        groups.MapGet("/", ListGroups).WithName("ListGroups")
            .WithSummary("Lists failover groups with their live status.")
            .WithDescription("Sorted by name. Read from the control plane's memory: it answers while the database is down.")
            .Responds<IReadOnlyList<GroupResponse>>(StatusCodes.Status200OK, "Every failover group.");
        groups.MapPost("/", (GroupRequest request, FailoverGroups service, CancellationToken cancellationToken) => service.CreateAsync(request, cancellationToken))
            .WithName("CreateGroup")
            .WithSummary("Creates a failover group.")
            .WithDescription("The group elects its active member at once: the reachable member with a ready service and the best priority.")
            .Responds<GroupResponse>(StatusCodes.Status201Created, "The group was created; Location names it.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The group is not valid (a name in use, an unknown node, a member in another group, a policy value out of range); `errors` names each field.")
            .NeedsTheDatabase();
        groups.MapGet("/{id}", GetGroup).WithName("GetGroup")
            .WithSummary("Gets one failover group.")
            .WithDescription("Its definition, policy, live status and members.")
            .Responds<GroupResponse>(StatusCodes.Status200OK, "The group.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No failover group has this id.");
        groups.MapPut("/{id}", UpdateGroup).WithName("UpdateGroup")
            .WithSummary("Replaces a group's members and policy.")
            .WithDescription("The active member must stay: switch over to another member before removing it.")
            .Responds<GroupResponse>(StatusCodes.Status200OK, "The group as changed.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The group is not valid; `errors` names each field.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No failover group has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The change would remove the active member, or the active member changed while the request ran.")
            .NeedsTheDatabase();
        groups.MapDelete("/{id}", DeleteGroup).WithName("DeleteGroup")
            .WithSummary("Deletes a failover group.")
            .WithDescription("Its members' services return to plain supervision.")
            .Responds(StatusCodes.Status204NoContent, "The group was deleted.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No failover group has this id.")
            .NeedsTheDatabase();
        groups.MapPost("/{id}/switchover", Switchover).WithName("Switchover")
            .WithSummary("Moves the active role gracefully, to the given node or the best standby.")
            .WithDescription("The old member stops before the new one starts. The switchover runs after the answer; follow it on the group.")
            .Responds<GroupResponse>(StatusCodes.Status202Accepted, "The switchover was asked for; the group as it is now.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "`targetNodeId` is not a member node of the group.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No failover group has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The group cannot switch over now (a transition is under way, no active member, or no ready target); `detail` says why.");
        groups.MapPost("/{id}/confirm-down", ConfirmDown).WithName("ConfirmNodeDown")
            .WithSummary("Confirms that a member's unreachable node is down, so the group may fail over.")
            .WithDescription("For groups whose isolation policy is KeepRunning: the control plane does not fail over from an unreachable node until an operator confirms it is down.")
            .Responds<GroupResponse>(StatusCodes.Status202Accepted, "The confirmation was recorded; the group as it is now.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "`nodeId` is not a member node of the group.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No failover group has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The node is reachable: it is not down.");
        groups.MapGet("/{id}/history", History).WithName("GroupHistory")
            .WithSummary("Lists the group's failovers and switchovers, newest first.")
            .WithDescription("Each with its timeline and the recovery time (RTO) it took.")
            .Responds<PagedResult<HistoryResponse>>(StatusCodes.Status200OK, "One page of the group's history.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No failover group has this id.")
            .NeedsTheDatabase();
        groups.MapPost("/{id}/drills", StartDrill).WithName("StartDrill")
            .WithSummary("Runs a drill now: a switchover or a fault injection.")
            .WithDescription("The drill runs after the answer; its report follows at /api/v1/drills/{id}.")
            .Responds<DrillResponse>(StatusCodes.Status202Accepted, "The drill started; Location names its report.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "`kind` is not a drill kind.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No failover group has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The drill cannot start now (another drill or a transition is under way, or no standby is ready); `detail` says why.")
            .NeedsTheDatabase();
        groups.MapGet("/{id}/drills", ListDrills).WithName("ListDrills")
            .WithSummary("Lists the group's drills and their reports, newest first.")
            .Responds<PagedResult<DrillResponse>>(StatusCodes.Status200OK, "One page of the group's drills.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No failover group has this id.")
            .NeedsTheDatabase();
        app.MapGet("/api/v1/drills/{id}", GetDrill).WithTags("Failover groups").WithName("GetDrill")
            .WithSummary("Gets one drill's report.")
            .WithDescription("Its kind, outcome, detection time and the recovery time (RTO) it measured against the objective.")
            .Responds<DrillResponse>(StatusCodes.Status200OK, "The drill.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No drill has this id.")
            .NeedsTheDatabase();
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
