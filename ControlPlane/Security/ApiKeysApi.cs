using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Security;

/// <summary>REST surface of API keys: <c>/api/v1/api-keys</c>, for admins only.</summary>
public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireAuthorization(VigilPolicies.Admin);
        keys.MapGet("/", ListKeys).WithName("ListApiKeys")
            .WithSummary("Lists API keys.")
            .WithDescription("Newest first, without their secrets.")
            .Responds<PagedResult<ApiKeyResponse>>(StatusCodes.Status200OK, "A page of API keys.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.")
            .NeedsTheDatabase();
        keys.MapPost("/", CreateKey).WithName("CreateApiKey")
            .WithSummary("Creates an API key with one role.")
            .WithDescription("The key is in this response only. It expires after 90 days unless asked otherwise, at most after 365.")
            .Responds<CreatedApiKeyResponse>(StatusCodes.Status201Created, "The key was created; Location names it.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The key is not valid (a name in use, an unknown role, an expiry out of range); `errors` names each field.")
            .NeedsTheDatabase();
        keys.MapGet("/{id}", GetKey).WithName("GetApiKey")
            .WithSummary("Gets one API key.")
            .WithDescription("Without its secret.")
            .Responds<ApiKeyResponse>(StatusCodes.Status200OK, "The key.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No API key has this id.")
            .NeedsTheDatabase();
        keys.MapPost("/{id}/revoke", RevokeKey).WithName("RevokeApiKey")
            .WithSummary("Revokes an API key.")
            .WithDescription("At once; the key stays listed as revoked. Revoking it again changes nothing.")
            .Responds<ApiKeyResponse>(StatusCodes.Status200OK, "The key, revoked.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No API key has this id.")
            .NeedsTheDatabase();
        return app;
    }

    internal static async Task<Results<Ok<PagedResult<ApiKeyResponse>>, ValidationProblem>> ListKeys(
        ApiKeyIssuer issuer,
        [Description("Also list revoked keys: true or false (default true).")] string? includeRevoked = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Keys per page, 1 to 500 (default 100).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryParameters();
        var revoked = true;
        if (includeRevoked is not null && !bool.TryParse(includeRevoked, out revoked))
        {
            query.Errors["includeRevoked"] = ["must be true or false"];
        }

        var (number, size) = (query.Page(page), query.PageSize(pageSize));
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await issuer.ListAsync(revoked, number, size, cancellationToken);
        return TypedResults.Ok(new PagedResult<ApiKeyResponse>(items, number, size, total));
    }

    internal static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> GetKey(
        [Description("The key's id (a GUID).")] string id, ApiKeyIssuer issuer, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var keyId) && await issuer.FindAsync(keyId, cancellationToken) is { } key ? TypedResults.Ok(key) : NotFound(id);

    internal static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateKey(
        CreateApiKeyRequest request, ApiKeyIssuer issuer, HttpContext context, CancellationToken cancellationToken) =>
        AdministrationAnswers.Created(
            context,
            await issuer.IssueAsync(request, AuditRecord.ActorOf(context.User), cancellationToken),
            created => $"/api/v1/api-keys/{created.ApiKey.Id}",
            created => $"API key {created.ApiKey.Name}, role {created.ApiKey.Role}, expires {created.ApiKey.ExpiresAt:O}");

    internal static async Task<Results<Ok<ApiKeyResponse>, ValidationProblem, ProblemHttpResult>> RevokeKey(
        [Description("The key's id (a GUID).")] string id, ApiKeyIssuer issuer, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var keyId))
        {
            AuditContext.SetDetail(context, "no such API key");
            return NotFound(id);
        }

        return AdministrationAnswers.Ok(context, await issuer.RevokeAsync(keyId, cancellationToken), key => $"API key {key.Name} revoked");
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "API key not found.", detail: $"No API key has the id '{id}'.");
}
