using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// REST surface of silences: <c>/api/v1/silences</c>. Everyone signed in reads; operators create and
/// expire. A silenced alert still opens and is recorded (marked silenced); no channel is told.
/// </summary>
public static class SilencesApi
{
    public static IEndpointRouteBuilder MapSilencesApi(this IEndpointRouteBuilder app)
    {
        var silences = app.MapGroup("/api/v1/silences").WithTags("Silences");
        silences.MapGet("/", ListSilences).WithName("ListSilences")
            .WithSummary("Lists silences in force or still to begin, the latest to expire first; with expired=true the expired ones too.")
            .Responds<IReadOnlyList<SilenceResponse>>(StatusCodes.Status200OK, "The silences.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.")
            .NeedsTheDatabase();
        silences.MapGet("/{id:guid}", GetSilence).WithName("GetSilence")
            .WithSummary("Gets one silence.")
            .Responds<SilenceResponse>(StatusCodes.Status200OK, "The silence.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No silence has this id.")
            .NeedsTheDatabase();
        silences.MapPost("/", CreateSilence).WithName("CreateSilence")
            .WithSummary("Silences the alerts every matcher matches until it expires (operators).")
            .WithDescription("In force when the answer comes. Matching alerts still open and are recorded, marked silenced; no channel is told. An alert still firing when the silence ends is told then.")
            .Responds<SilenceResponse>(StatusCodes.Status201Created, "The silence was created; Location names it.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The silence is not valid (no matchers, an unknown field, an end in the past or more than 90 days away, no comment); `errors` names each field.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Operator);
        silences.MapDelete("/{id:guid}", ExpireSilence).WithName("ExpireSilence")
            .WithSummary("Ends a silence now (operators); it stays listed among the expired.")
            .Responds(StatusCodes.Status204NoContent, "The silence has ended.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No silence has this id.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Operator);
        return app;
    }

    internal static async Task<Results<Ok<IReadOnlyList<SilenceResponse>>, ValidationProblem>> ListSilences(
        SilenceStore store,
        TimeProvider time,
        [Description("true: the expired silences too (default false).")] string? expired = null,
        CancellationToken cancellationToken = default)
    {
        if (expired is not null && !bool.TryParse(expired, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["expired"] = ["must be true or false"] }, title: "The query is not valid.");
        }

        return TypedResults.Ok(await store.ListAsync(expired is not null && bool.Parse(expired), time.GetUtcNow(), cancellationToken));
    }

    internal static async Task<Results<Ok<SilenceResponse>, ProblemHttpResult>> GetSilence(
        [Description("The silence's id (a GUID).")] Guid id, SilenceStore store, TimeProvider time, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } row ? TypedResults.Ok(SilenceResponse.From(row, time.GetUtcNow())) : NotFound(id);

    internal static async Task<Results<Created<SilenceResponse>, ValidationProblem>> CreateSilence(
        SilenceRequest request, SilenceStore store, AlertEvaluator evaluator, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var (created, errors) = await CreateAsync(request, AuditRecord.ActorOf(http.User), store, evaluator, time, cancellationToken);
        if (created is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The silence is not valid.");
        }

        AuditContext.SetDetail(http, Describe(created));
        return TypedResults.Created($"/api/v1/silences/{created.Id}", created);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> ExpireSilence(
        [Description("The silence's id (a GUID).")] Guid id, SilenceStore store, AlertEvaluator evaluator, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (!await ExpireAsync(id, store, evaluator, time, cancellationToken))
        {
            return NotFound(id);
        }

        AuditContext.SetDetail(http, $"silence {id}");
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Checks the request and stores the silence, in force when this returns; null with the errors (named
    /// as the API names them) when it is not valid. The API and the dashboard create silences through it.
    /// </summary>
    internal static async Task<(SilenceResponse? Created, Dictionary<string, string[]> Errors)> CreateAsync(
        SilenceRequest request, string createdBy, SilenceStore store, AlertEvaluator evaluator, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (SilenceRules.Check(Guid.CreateVersion7(now), request, createdBy, now, errors) is not { } silence)
        {
            return (null, errors);
        }

        var row = await store.AddAsync(silence, now, cancellationToken);
        await evaluator.RefreshNowAsync(cancellationToken);
        return (SilenceResponse.From(row, now), errors);
    }

    /// <summary>Ends a silence now, in force when this returns; false when no silence has the id. The API and the dashboard expire silences through it.</summary>
    internal static async Task<bool> ExpireAsync(Guid id, SilenceStore store, AlertEvaluator evaluator, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is null)
        {
            return false;
        }

        await store.ExpireAsync(id, time.GetUtcNow(), cancellationToken);
        await evaluator.RefreshNowAsync(cancellationToken);
        return true;
    }

    /// <summary>What the audit log says of a new silence.</summary>
    internal static string Describe(SilenceResponse silence) =>
        $"silence {silence.Id} until {silence.ExpiresAt:u}: {string.Join(", ", silence.Matchers.Select(m => $"{m.Field}={m.Value}"))}";

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such silence.", detail: $"No silence has the id {id}.");
}

/// <summary>A silence as the API shows it.</summary>
public sealed record SilenceResponse(
    Guid Id,
    IReadOnlyList<SilenceMatcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset ExpiresAt,
    [property: Description("Pending (not begun), Active or Expired.")] string State,
    string CreatedBy,
    string Comment,
    DateTimeOffset CreatedAt)
{
    public static SilenceResponse From(StoredSilence row, DateTimeOffset now) => new(
        row.Id,
        AlertJson.Read<List<SilenceMatcher>>(row.Matchers),
        row.StartsAt,
        row.ExpiresAt,
        now >= row.ExpiresAt ? "Expired" : now < row.StartsAt ? "Pending" : "Active",
        row.CreatedBy,
        row.Reason,
        row.CreatedAt);
}
