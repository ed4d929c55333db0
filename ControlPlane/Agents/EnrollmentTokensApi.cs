using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>REST surface of enrollment tokens: <c>/api/v1/enrollment-tokens</c>, for admins.</summary>
public static class EnrollmentTokensApi
{
    public static IEndpointRouteBuilder MapEnrollmentTokensApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/v1/enrollment-tokens").WithTags("Enrollment tokens")
            .RequireAuthorization(VigilPolicies.Admin);
        tokens.MapPost("/", CreateToken)
            .WithName("CreateEnrollmentToken")
            .WithSummary("Creates an enrollment token. Its secret is in this response only; it is never shown again.")
            .ProducesValidationProblem();
        tokens.MapGet("/", ListTokens)
            .WithName("ListEnrollmentTokens")
            .WithSummary("Lists enrollment tokens, newest first, paged; never their secrets.");
        tokens.MapGet("/{id}", GetToken)
            .WithName("GetEnrollmentToken")
            .WithSummary("Gets one enrollment token; never its secret.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        tokens.MapDelete("/{id}", RevokeToken)
            .WithName("DeleteEnrollmentToken")
            .WithSummary("Revokes an enrollment token (kept in the list as revoked). Agents already enrolled keep their credentials.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        tokens.MapPost("/{id}/revoke", RevokeToken)
            .WithName("RevokeEnrollmentToken")
            .WithSummary("Revokes an enrollment token. Agents already enrolled keep their credentials.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Results<Created<EnrollmentTokenCreated>, ValidationProblem>> CreateToken(
        EnrollmentTokenRequest request, EnrollmentTokens tokens, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (EnrollmentTokenRules.Check(request, time.GetUtcNow(), errors) is not { } spec)
        {
            return TypedResults.ValidationProblem(errors, title: "The enrollment token request is not valid.");
        }

        var created = await tokens.CreateAsync(
            spec.Name, spec.ExpiresAt, spec.MaxUses, spec.RequiresApproval, AuditRecord.ActorOf(http.User), cancellationToken);
        AuditContext.SetDetail(http, $"token {created.Details.Id} '{spec.Name}': {spec.MaxUses} use(s) until {spec.ExpiresAt:O}, approval required: {spec.RequiresApproval}");
        return TypedResults.Created($"/api/v1/enrollment-tokens/{created.Details.Id}", created);
    }

    internal static async Task<Results<Ok<PagedResult<EnrollmentTokenResponse>>, ValidationProblem>> ListTokens(
        EnrollmentTokens tokens,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Tokens per page, 1 to 500 (default 100).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryParameters();
        var pageNumber = query.Page(page);
        var size = query.PageSize(pageSize);
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await tokens.ListAsync(pageNumber, size, cancellationToken);
        return TypedResults.Ok(new PagedResult<EnrollmentTokenResponse>(items, pageNumber, size, total));
    }

    internal static async Task<Results<Ok<EnrollmentTokenResponse>, ProblemHttpResult>> GetToken(
        [Description("The token's id (a GUID).")] string id, EnrollmentTokens tokens, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var tokenId) && await tokens.FindAsync(tokenId, cancellationToken) is { } token
            ? TypedResults.Ok(token)
            : NotFound(id);

    internal static async Task<Results<Ok<EnrollmentTokenResponse>, ProblemHttpResult>> RevokeToken(
        [Description("The token's id (a GUID).")] string id, EnrollmentTokens tokens, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var tokenId) || await tokens.RevokeAsync(tokenId, AuditRecord.ActorOf(http.User), cancellationToken) is not { } token)
        {
            return NotFound(id);
        }

        AuditContext.SetDetail(http, $"token {token.Id} '{token.Name}' revoked");
        return TypedResults.Ok(token);
    }

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Enrollment token not found.", detail: $"No enrollment token has the id '{id}'.");
}
