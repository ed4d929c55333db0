using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Events;

/// <summary>REST surface of events: <c>/api/v1/events</c>.</summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/events").WithTags("Events")
            .MapGet("/", ListEvents)
            .WithName("ListEvents")
            .WithSummary("Lists events reported by agents, newest first, filtered and paged.")
            .WithDescription("Agents' events (a service exited, was restarted, a probe failed, ...) and failover groups' elections, failovers, switchovers and failbacks.")
            .Responds<PagedResult<EventResponse>>(StatusCodes.Status200OK, "One page of events.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.")
            .NeedsTheDatabase();
        return app;
    }

    internal static async Task<Results<Ok<PagedResult<EventResponse>>, ValidationProblem>> ListEvents(
        EventStore events,
        NodeRegistry registry,
        [Description("Only events of this node (its id).")] string? node = null,
        [Description("Only events of this managed service (its name).")] string? service = null,
        [Description("Only events of this kind: an agent's (e.g. ServiceExited) or a failover group's (Election, Failover, Switchover, Failback).")] string? kind = null,
        [Description("Only events received at or after this time (ISO 8601).")] string? from = null,
        [Description("Only events received before this time (ISO 8601).")] string? to = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Events per page, 1 to 500 (default 50).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryParameters();
        var filter = new EventQuery(
            query.Identifier(node, "node"),
            string.IsNullOrWhiteSpace(service) ? null : service,
            EventKindOf(kind, query),
            query.Time(from, "from"),
            query.Time(to, "to"),
            query.Page(page),
            query.PageSize(pageSize, fallback: 50));
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await events.ListAsync(filter, cancellationToken);
        var responses = items.Select(e => EventResponse.From(e, registry.Find(e.NodeId)?.Name)).ToList();
        return TypedResults.Ok(new PagedResult<EventResponse>(responses, filter.Page, filter.PageSize, total));
    }

    /// <summary>Agents' event kinds and the failover kinds the control plane records share the list.</summary>
    private static string? EventKindOf(string? text, QueryParameters query)
    {
        if (text is null)
        {
            return null;
        }

        var names = Enum.GetNames<AgentEventKind>().Concat(Enum.GetNames<TransitionKind>()).ToList();
        var name = names.FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            query.Errors["kind"] = [$"must be one of {string.Join(", ", names)}"];
        }

        return name;
    }
}
