using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Tests.Api;

/// <summary>
/// Security in the OpenAPI document follows each endpoint's authorization metadata: checked on
/// endpoints that carry the metadata the control plane's own endpoints are given, described by
/// the control plane's API setup.
/// </summary>
public sealed class OpenApiSecurityTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private JsonElement _paths;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddVigilApi();
        builder.Services.AddAuthorization();
        _app = builder.Build();
        var tests = _app.MapGroup("/api/v1/tests").WithTags("Nodes");
        tests.MapGet("/", () => TypedResults.Ok("read")).WithName("ReadThing").WithSummary("Reads.").RequireAuthorization(VigilPolicies.Viewer);
        tests.MapPost("/", () => TypedResults.Ok("changed")).WithName("ChangeThing").WithSummary("Changes.").RequireAuthorization(VigilPolicies.Operator);
        tests.MapDelete("/{id}", (string id) => TypedResults.NoContent())
            .WithName("RemoveThing").WithSummary("Removes.")
            .RequireAuthorization(new AuthorizeAttribute { Roles = VigilRoles.Admin, AuthenticationSchemes = OpenApiSecurity.ApiKeyScheme });
        _app.MapPost("/api/v1/agents/enroll", Results<Ok<string>, ValidationProblem> (EnrollBody body) => TypedResults.Ok(body.Token))
            .WithTags("Nodes").WithName("Enroll").WithSummary("Enrols.").AllowAnonymous().RequireAuthorization(VigilPolicies.Admin);
        _app.MapApiDocumentation();
        await _app.StartAsync(TestContext.Current.CancellationToken);
        using var http = _app.GetTestClient();
        _paths = (await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken)).GetProperty("paths");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void An_endpoint_that_requires_a_role_lists_both_credentials_and_says_which_role()
    {
        var read = _paths.GetProperty("/api/v1/tests").GetProperty("get");
        var change = _paths.GetProperty("/api/v1/tests").GetProperty("post");

        Assert.Equal(["ApiKey", "cookie"], SchemesOf(read));
        Assert.Equal(["ApiKey", "cookie"], SchemesOf(change));
        Assert.Contains("the Viewer role", Description(read, "403"), StringComparison.Ordinal);
        Assert.Contains("the Operator role (or Admin)", Description(change, "403"), StringComparison.Ordinal);
        Assert.Contains("Requires the Operator role (or Admin).", change.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.All([read, change], operation => Assert.All(["401", "403", "429"], code => Assert.Equal(
            "#/components/schemas/ProblemDetails",
            operation.GetProperty("responses").GetProperty(code).GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString())));
        Assert.Equal("integer", read.GetProperty("responses").GetProperty("429").GetProperty("headers").GetProperty("Retry-After").GetProperty("schema").GetProperty("type").GetString());
    }

    [Fact]
    public void An_endpoint_that_names_its_authentication_scheme_lists_only_that_credential()
    {
        var remove = _paths.GetProperty("/api/v1/tests/{id}").GetProperty("delete");

        Assert.Equal(["ApiKey"], SchemesOf(remove));
        Assert.Contains("the Admin role", Description(remove, "403"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_endpoint_that_allows_anonymous_callers_asks_for_no_credential_whatever_else_it_carries()
    {
        var enroll = _paths.GetProperty("/api/v1/agents/enroll").GetProperty("post");

        Assert.Equal(0, enroll.GetProperty("security").GetArrayLength());
        Assert.False(enroll.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(enroll.GetProperty("responses").TryGetProperty("415", out _), "a body that is not JSON answers 415");
    }

    [Fact]
    public async Task The_document_of_endpoints_with_authorization_passes_the_openapi_linter()
    {
        using var http = _app.GetTestClient();
        var document = await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);

        var problems = await OpenApiLinter.LintAsync(document, TestContext.Current.CancellationToken);

        Assert.True(problems.Count == 0, $"The linter found:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void Access_is_read_from_policies_roles_and_the_fallback_policy()
    {
        var fallback = new AuthorizationPolicyBuilder().RequireRole(VigilRoles.Operator, VigilRoles.Admin).Build();

        Assert.Null(OpenApiSecurity.AccessOf([]));
        Assert.Equal("the Operator role (or Admin)", OpenApiSecurity.AccessOf([], fallback)?.Role);
        Assert.Null(OpenApiSecurity.AccessOf([new AllowAnonymousAttribute()], fallback));
        Assert.Equal("the Admin role", OpenApiSecurity.AccessOf([new AuthorizeAttribute(VigilPolicies.Viewer), new AuthorizeAttribute(VigilPolicies.Admin)])?.Role);
        Assert.Equal("the Viewer role (or Operator, or Admin)", OpenApiSecurity.AccessOf([new AuthorizeAttribute { Roles = "Viewer, Admin" }])?.Role);
        Assert.Equal("a signed-in caller", OpenApiSecurity.AccessOf([new AuthorizeAttribute()])?.Role);
        Assert.Equal(
            [OpenApiSecurity.CookieScheme],
            OpenApiSecurity.AccessOf([new AuthorizeAttribute { AuthenticationSchemes = OpenApiSecurity.CookieAuthenticationScheme }])?.Schemes);
    }

    private static List<string> SchemesOf(JsonElement operation) =>
        [.. operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject()).Select(r => r.Name)];

    private static string? Description(JsonElement operation, string code) =>
        operation.GetProperty("responses").GetProperty(code).GetProperty("description").GetString();

    private sealed record EnrollBody(string Token);
}
