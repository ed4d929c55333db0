using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Api;

/// <summary>
/// The document's authentication, read from each endpoint's authorization metadata
/// (<see cref="IAuthorizeData"/>, <see cref="AuthorizationPolicy"/>, <see cref="IAllowAnonymous"/>, and
/// the fallback policy for endpoints that carry none): an operation that needs a signed-in caller
/// lists the API key and the dashboard cookie as its ways in and answers 401, 403 and 429; one that
/// does not says so with an empty requirement.
/// </summary>
public sealed class OpenApiSecurity(IOptions<AuthorizationOptions> authorization) : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string ApiKeyScheme = "ApiKey";
    public const string CookieScheme = "cookie";
    public const string ApiKeyHeader = "X-API-Key";
    public const string CookieName = ".AspNetCore.Identity.Application";

    /// <summary>The authentication scheme of the dashboard's sign-in cookie, as endpoints name it.</summary>
    public const string CookieAuthenticationScheme = "Identity.Application";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyHeader,
            Description = "An API key made by an admin on the dashboard's API keys page, sent in the X-API-Key header. It acts with the role it was made with.",
        };
        document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = CookieName,
            Description = "The dashboard's sign-in cookie: a browser signed in to the dashboard may call the API with its user's role.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var access = AccessOf(context.Description.ActionDescriptor.EndpointMetadata, authorization.Value.FallbackPolicy);
        if (access is null)
        {
            // Explicitly open: no credential is asked for.
            operation.Security = [];
            return Task.CompletedTask;
        }

        var document = context.Document;
        operation.Security = [.. access.Schemes.Select(scheme => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] })];
        operation.Description = string.IsNullOrEmpty(operation.Description) ? $"Requires {access.Role}." : $"{operation.Description}\n\nRequires {access.Role}.";
        operation.Responses ??= [];
        operation.Responses["401"] = OpenApiProblems.Problem(
            StatusCodes.Status401Unauthorized, "No valid credential: send an API key in the X-API-Key header or the dashboard's sign-in cookie.", document);
        operation.Responses["403"] = OpenApiProblems.Problem(
            StatusCodes.Status403Forbidden, $"The credential is valid but its role is not enough: this operation requires {access.Role}.", document);
        var tooMany = OpenApiProblems.Problem(StatusCodes.Status429TooManyRequests, "Too many requests from this caller: wait as long as Retry-After says, then retry.", document);
        tooMany.Headers = new Dictionary<string, IOpenApiHeader>
        {
            ["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before the next request.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
            },
        };
        operation.Responses["429"] = tooMany;
        return Task.CompletedTask;
    }

    /// <summary>
    /// What an endpoint with this metadata asks of a caller, or null when it is open to anyone.
    /// Metadata that allows anonymous callers wins, as it does for the authorization middleware.
    /// </summary>
    public static RequiredAccess? AccessOf(IEnumerable<object> metadata, AuthorizationPolicy? fallbackPolicy = null)
    {
        var all = metadata.ToList();
        if (all.OfType<IAllowAnonymous>().Any())
        {
            return null;
        }

        var authorizeData = all.OfType<IAuthorizeData>().ToList();
        var policies = all.OfType<AuthorizationPolicy>().ToList();
        if (authorizeData.Count == 0 && policies.Count == 0)
        {
            if (fallbackPolicy is null)
            {
                return null;
            }

            policies.Add(fallbackPolicy);
        }

        // Every piece of metadata must be satisfied: the strictest sets the least role.
        var rank = authorizeData.Select(RankOf).Concat(policies.Select(RankOf)).DefaultIfEmpty(0).Max();
        var named = authorizeData.SelectMany(d => Split(d.AuthenticationSchemes))
            .Concat(policies.SelectMany(p => p.AuthenticationSchemes))
            .ToHashSet(StringComparer.Ordinal);
        List<string> schemes = [];
        if (named.Count == 0 || named.Contains(ApiKeyScheme))
        {
            schemes.Add(ApiKeyScheme);
        }

        if (named.Count == 0 || named.Contains(CookieAuthenticationScheme))
        {
            schemes.Add(CookieScheme);
        }

        return new RequiredAccess(RoleText(rank), schemes.Count > 0 ? schemes : [ApiKeyScheme, CookieScheme]);
    }

    /// <summary>0: any signed-in caller; 1: Viewer; 2: Operator; 3: Admin.</summary>
    private static int RankOf(IAuthorizeData data) =>
        Math.Max(RankOfName(data.Policy), Split(data.Roles).Select(RankOfName).DefaultIfEmpty(0).Min());

    private static int RankOf(AuthorizationPolicy policy) =>
        policy.Requirements.OfType<RolesAuthorizationRequirement>()
            .Select(r => r.AllowedRoles.Select(RankOfName).DefaultIfEmpty(0).Min())
            .DefaultIfEmpty(0)
            .Max();

    private static int RankOfName(string? name) => name switch
    {
        VigilPolicies.Admin => 3,
        VigilPolicies.Operator => 2,
        VigilPolicies.Viewer => 1,
        _ => 0,
    };

    private static string RoleText(int rank) => rank switch
    {
        3 => "the Admin role",
        2 => "the Operator role (or Admin)",
        1 => "the Viewer role (or Operator, or Admin)",
        _ => "a signed-in caller",
    };

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>What an operation asks of its caller: the least role, and the security schemes that may carry it.</summary>
public sealed record RequiredAccess(string Role, IReadOnlyList<string> Schemes);
