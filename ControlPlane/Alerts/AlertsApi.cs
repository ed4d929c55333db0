using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Alerts;

/// <summary>REST surface of alerts: <c>/api/v1/alerts</c>, newest first, with every delivery attempt.</summary>
public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts").WithTags("Alerts");
        alerts.MapGet("/", ListAlerts).WithName("ListAlerts")
            .WithSummary("Lists alerts, newest first, paged; filter by state.")
            .Responds<PagedResult<AlertResponse>>(StatusCodes.Status200OK, "One page of alerts.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.")
            .NeedsTheDatabase();
        alerts.MapGet("/{id:guid}", GetAlert).WithName("GetAlert")
            .WithSummary("Gets one alert with its deliveries to channels.")
            .WithDescription("Each delivery shows its state (Pending, Sent, Failed), attempts, last error and next attempt.")
            .Responds<AlertDetailResponse>(StatusCodes.Status200OK, "The alert.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No alert has this id.")
            .NeedsTheDatabase();
        alerts.MapPost("/{id:guid}/acknowledge", AcknowledgeAlert).WithName("AcknowledgeAlert")
            .WithSummary("Acknowledges a firing alert (operators): no more repeats or escalation.")
            .WithDescription("Records who acknowledged it (the signed-in user or the API key's name) and when. Acknowledging an acknowledged alert changes nothing and answers it as it is.")
            .Responds<AlertResponse>(StatusCodes.Status200OK, "The alert, acknowledged.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No alert has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The alert is resolved: there is nothing left to acknowledge.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Operator);
        return app;
    }

    internal static async Task<Results<Ok<PagedResult<AlertResponse>>, ValidationProblem>> ListAlerts(
        AlertStore store,
        [Description("Firing, Acknowledged or Resolved; all when absent.")] string? state = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Alerts per page, 1 to 500 (default 100).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryParameters();
        var status = query.OneOf<AlertStatus>(state, "state");
        var pageNumber = query.Page(page);
        var size = query.PageSize(pageSize);
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await store.ListAsync(status, pageNumber, size, cancellationToken);
        return TypedResults.Ok(new PagedResult<AlertResponse>([.. items.Select(AlertResponse.From)], pageNumber, size, total));
    }

    internal static async Task<Results<Ok<AlertDetailResponse>, ProblemHttpResult>> GetAlert([Description("The alert's id (a GUID).")] Guid id, AlertStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is ({ } alert, var deliveries)
            ? TypedResults.Ok(new AlertDetailResponse(AlertResponse.From(alert), [.. deliveries.Select(DeliveryResponse.From)]))
            : NotFound(id);

    internal static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> AcknowledgeAlert(
        [Description("The alert's id (a GUID).")] Guid id, AlertEvaluator evaluator, AlertStore store, HttpContext http, CancellationToken cancellationToken)
    {
        var by = AuditRecord.ActorOf(http.User);
        if (await evaluator.AcknowledgeAsync(id, by, cancellationToken) is { } acknowledged)
        {
            AuditContext.SetDetail(http, $"alert {id} '{acknowledged.RuleName}' on {acknowledged.Target.Key}");
            return TypedResults.Ok(AlertResponse.From(acknowledged));
        }

        // Not firing in the evaluator's book: already acknowledged (answer it as it is), resolved, or unknown.
        var stored = evaluator.Open.FirstOrDefault(a => a.Id == id) ?? (await store.FindAsync(id, cancellationToken)).Alert;
        return stored switch
        {
            null => NotFound(id),
            { Status: AlertStatus.Resolved } => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "The alert is resolved.", detail: $"Alert {id} resolved at {stored.ResolvedAt:u} ({stored.Resolution}); there is nothing to acknowledge."),
            _ => TypedResults.Ok(AlertResponse.From(stored)),
        };
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert.", detail: $"No alert has the id {id}.");
}

/// <summary>An alert as the API shows it.</summary>
public sealed record AlertResponse(
    Guid Id,
    Guid RuleId,
    string RuleName,
    AlertCondition Condition,
    AlertSeverity Severity,
    AlertStatus Status,
    [property: Description("The target's key: node/{id}, node/{id}/service/{name}, group/{id}, ...")] string Target,
    string? Node,
    string? Service,
    string? Group,
    string Summary,
    string? Action,
    DateTimeOffset Since,
    DateTimeOffset FiredAt,
    int Occurrences,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt,
    string? Resolution,
    bool Silenced)
{
    public static AlertResponse From(Alert alert) => new(
        alert.Id, alert.RuleId, alert.RuleName, alert.Condition, alert.Severity, alert.Status, alert.Target.Key, alert.Target.NodeName, alert.Target.Service,
        alert.Target.Group, alert.Summary, alert.Action, alert.Since, alert.FiredAt, alert.Occurrences, alert.AcknowledgedAt, alert.AcknowledgedBy,
        alert.ResolvedAt, alert.Resolution, alert.Silenced);
}

/// <summary>An alert and every notification sent (or being sent) about it.</summary>
public sealed record AlertDetailResponse(AlertResponse Alert, IReadOnlyList<DeliveryResponse> Deliveries);

/// <summary>One notification of an alert to one channel.</summary>
public sealed record DeliveryResponse(
    Guid Id,
    Guid ChannelId,
    [property: Description("Fired, Repeated, Escalated or Resolved.")] string Notification,
    AlertDeliveryState State,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt)
{
    public static DeliveryResponse From(AlertDelivery row) =>
        new(row.Id, row.ChannelId, row.Notification, row.State, row.Attempts, row.LastError, row.CreatedAt, row.LastAttemptAt, row.NextAttemptAt, row.DeliveredAt);
}
