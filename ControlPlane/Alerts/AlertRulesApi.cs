using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Alerts;

/// <summary>REST surface of alert rules: <c>/api/v1/alert-rules</c>. Everyone signed in reads; operators change.</summary>
public static class AlertRulesApi
{
    public static IEndpointRouteBuilder MapAlertRulesApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/v1/alert-rules").WithTags("Alert rules");
        rules.MapGet("/", ListRules).WithName("ListAlertRules")
            .WithSummary("Lists alert rules, by name.")
            .Responds<IReadOnlyList<AlertRuleResponse>>(StatusCodes.Status200OK, "Every rule.")
            .NeedsTheDatabase();
        rules.MapGet("/{id:guid}", GetRule).WithName("GetAlertRule")
            .WithSummary("Gets one alert rule.")
            .Responds<AlertRuleResponse>(StatusCodes.Status200OK, "The rule.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No rule has this id.")
            .NeedsTheDatabase();
        rules.MapPost("/", CreateRule).WithName("CreateAlertRule")
            .WithSummary("Creates an alert rule (operators).")
            .WithDescription("The rule is in force when the answer comes; its alerts go to its channels. A condition that already holds fires at its next change.")
            .Responds<AlertRuleResponse>(StatusCodes.Status201Created, "The rule was created; Location names it.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The rule is not valid (a name in use, an unknown channel, a threshold missing or out of place, a time out of range); `errors` names each field.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Operator);
        rules.MapPut("/{id:guid}", ReplaceRule).WithName("ReplaceAlertRule")
            .WithSummary("Replaces an alert rule (operators).")
            .Responds<AlertRuleResponse>(StatusCodes.Status200OK, "The rule as changed.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The rule is not valid; `errors` names each field.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No rule has this id.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Operator);
        rules.MapDelete("/{id:guid}", DeleteRule).WithName("DeleteAlertRule")
            .WithSummary("Deletes an alert rule (operators); its open alerts stay listed.")
            .Responds(StatusCodes.Status204NoContent, "The rule was deleted.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No rule has this id.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Operator);
        return app;
    }

    internal static async Task<Ok<IReadOnlyList<AlertRuleResponse>>> ListRules(AlertRuleStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(cancellationToken));

    internal static async Task<Results<Ok<AlertRuleResponse>, ProblemHttpResult>> GetRule([Description("The rule's id (a GUID).")] Guid id, AlertRuleStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } rule ? TypedResults.Ok(rule) : NotFound(id);

    internal static async Task<Results<Created<AlertRuleResponse>, ValidationProblem>> CreateRule(
        AlertRuleRequest request, AlertRuleStore store, AlertChannelStore channels, AlertEvaluator evaluator, HttpContext http, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var (rule, errors) = await CheckAsync(id, request, store, channels, cancellationToken);
        if (rule is null)
        {
            return Invalid(errors);
        }

        return TypedResults.Created($"/api/v1/alert-rules/{id}", await SaveAsync(rule, store, evaluator, http, cancellationToken));
    }

    internal static async Task<Results<Ok<AlertRuleResponse>, ValidationProblem, ProblemHttpResult>> ReplaceRule(
        [Description("The rule's id (a GUID).")] Guid id, AlertRuleRequest request, AlertRuleStore store, AlertChannelStore channels, AlertEvaluator evaluator, HttpContext http, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var (rule, errors) = await CheckAsync(id, request, store, channels, cancellationToken);
        if (rule is null)
        {
            return Invalid(errors);
        }

        return TypedResults.Ok(await SaveAsync(rule, store, evaluator, http, cancellationToken));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteRule(
        [Description("The rule's id (a GUID).")] Guid id, AlertRuleStore store, AlertEvaluator evaluator, HttpContext http, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } rule)
        {
            return NotFound(id);
        }

        await store.DeleteAsync(id, cancellationToken);
        await evaluator.RefreshNowAsync(cancellationToken);
        AuditContext.SetDetail(http, $"alert rule {id} '{rule.Name}'");
        return TypedResults.NoContent();
    }

    /// <summary>Stores the rule and puts it in force before the answer; the audit entry names it.</summary>
    private static async Task<AlertRuleResponse> SaveAsync(AlertRule rule, AlertRuleStore store, AlertEvaluator evaluator, HttpContext http, CancellationToken cancellationToken)
    {
        await store.SaveAsync(rule, cancellationToken);
        await evaluator.RefreshNowAsync(cancellationToken);
        AuditContext.SetDetail(http, $"alert rule {rule.Id} '{rule.Name}' ({rule.Condition})");
        return (await store.FindAsync(rule.Id, cancellationToken))!;
    }

    internal static async Task<(AlertRule? Rule, Dictionary<string, string[]> Errors)> CheckAsync(
        Guid id, AlertRuleRequest request, AlertRuleStore store, AlertChannelStore channels, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var known = (await channels.ListAsync(cancellationToken)).Select(c => c.Id).ToHashSet();
        var rule = AlertRuleRules.Check(id, request, known, errors);
        if (rule is not null && await store.NameTakenAsync(rule.Name, id, cancellationToken))
        {
            errors["name"] = ["is the name of another rule"];
            rule = null;
        }

        return (rule, errors);
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The alert rule is not valid.");

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert rule.", detail: $"No alert rule has the id {id}.");
}
