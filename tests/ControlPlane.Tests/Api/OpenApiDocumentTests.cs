using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Api;

/// <summary>
/// The document at <c>/openapi/v1.json</c> of the real control plane, run as it is with sign-in
/// required: a fallback policy asks every endpoint without authorization metadata for a role.
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    /// <summary>The one operation open to anyone: an agent enrols with a token in the body.</summary>
    private const string AgentEnrollment = "/api/v1/agents/enroll";
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database, services: services => services.Configure<AuthorizationOptions>(
            options => options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireRole(VigilRoles.All).Build()));
        _http = _host.CreateHttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task The_document_passes_the_openapi_linter_without_an_error_or_a_warning()
    {
        var document = await _http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);

        var problems = await OpenApiLinter.LintAsync(document, TestContext.Current.CancellationToken);

        Assert.True(problems.Count == 0, $"The linter found:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public async Task Every_api_endpoint_of_the_app_is_in_the_document_with_an_operation_id_a_summary_and_a_client_error()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        var endpoints = _host.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(method => (Method: method.ToLowerInvariant(), Path: PathOf(e))))
            .ToList();

        Assert.Contains(("get", "/api/v1/services"), endpoints);
        Assert.All(endpoints, endpoint =>
        {
            Assert.True(paths.TryGetProperty(endpoint.Path, out var path), $"{endpoint.Path} is not in the document");
            Assert.True(path.TryGetProperty(endpoint.Method, out var operation), $"{endpoint.Method} {endpoint.Path} is not in the document");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("operationId").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
            Assert.Contains(operation.GetProperty("responses").EnumerateObject(), r => r.Name.StartsWith('4'));
        });
    }

    [Fact]
    public async Task Every_error_is_problem_details_and_every_signed_in_operation_takes_both_credentials_and_answers_401_403_and_429()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");

        Assert.Equal(("apiKey", "header", "X-API-Key"), SchemeOf(schemes.GetProperty("ApiKey")));
        Assert.Equal(("apiKey", "cookie", ".AspNetCore.Identity.Application"), SchemeOf(schemes.GetProperty("cookie")));
        foreach (var (path, operation) in document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => (p.Name, o.Value))))
        {
            var id = operation.GetProperty("operationId").GetString();
            var responses = operation.GetProperty("responses");
            if (path != AgentEnrollment)
            {
                Assert.Equal(["ApiKey", "cookie"], operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject()).Select(r => r.Name));
                Assert.All(["401", "403", "429"], code => Assert.True(responses.TryGetProperty(code, out _), $"{id} has no {code}"));
                Assert.True(responses.GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _), $"{id}: 429 without Retry-After");
                Assert.Contains("requires the ", responses.GetProperty("403").GetProperty("description").GetString(), StringComparison.Ordinal);
            }

            foreach (var error in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                Assert.Equal(["application/problem+json"], error.Value.GetProperty("content").EnumerateObject().Select(c => c.Name));
                Assert.False(string.IsNullOrWhiteSpace(error.Value.GetProperty("description").GetString()), $"{id} {error.Name} is not described");
            }
        }
    }

    [Fact]
    public async Task Parameters_are_described_and_the_database_and_body_errors_are_listed_where_they_happen()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        var parameters = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject())
            .SelectMany(o => o.Value.TryGetProperty("parameters", out var list) ? list.EnumerateArray() : Enumerable.Empty<JsonElement>());

        Assert.All(parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("description").GetString()), $"{p} is not described"));
        Assert.True(Responses(paths, "/api/v1/commands", "post").TryGetProperty("503", out _));
        Assert.True(Responses(paths, "/api/v1/commands", "post").TryGetProperty("415", out _));
        Assert.True(Responses(paths, "/api/v1/commands", "post").TryGetProperty("422", out _));
        Assert.False(Responses(paths, "/api/v1/nodes", "get").TryGetProperty("503", out _), "nodes are read from memory");
        Assert.Equal(
            "#/components/schemas/HttpValidationProblemDetails",
            Responses(paths, "/api/v1/services", "get").GetProperty("400").GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task The_document_names_no_absolute_server_and_describes_every_tag()
    {
        var document = await DocumentAsync();

        Assert.Equal(["/"], document.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()));
        Assert.All(document.GetProperty("tags").EnumerateArray(), t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString())));
        Assert.Contains("Services", document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    private static JsonElement Responses(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).GetProperty("responses");

    private static (string?, string?, string?) SchemeOf(JsonElement scheme) =>
        (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString());

    /// <summary>The document's spelling of a route: no trailing slash, parameters without constraints.</summary>
    private static string PathOf(RouteEndpoint endpoint) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            _ => "",
        }))));

    private async Task<JsonElement> DocumentAsync() =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
}
