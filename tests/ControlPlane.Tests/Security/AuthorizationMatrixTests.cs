using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>
/// Every REST endpoint of the running control plane, called as nobody, with a revoked key, and as
/// each role. What each endpoint requires is written out here by hand, not read from the code, so
/// that an endpoint that lost or changed its protection fails; an endpoint missing from the table
/// fails too, so that each new one is classified.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private enum Need
    {
        Anonymous,
        Viewer,
        Operator,
        Admin,
    }

    private static readonly Dictionary<string, Need> Required = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/nodes"] = Need.Viewer,
        ["GET /api/v1/nodes/{id}"] = Need.Viewer,
        ["GET /api/v1/nodes/{id}/installed-services"] = Need.Viewer,
        ["POST /api/v1/nodes/{id}/maintenance"] = Need.Operator,
        ["DELETE /api/v1/nodes/{id}/maintenance"] = Need.Operator,
        ["GET /api/v1/services"] = Need.Viewer,
        ["GET /api/v1/nodes/{id}/configuration"] = Need.Viewer,
        ["GET /api/v1/nodes/{id}/metrics"] = Need.Viewer,
        ["PUT /api/v1/nodes/{id}/configuration"] = Need.Operator,
        ["POST /api/v1/services/import/winsw"] = Need.Operator,
        ["POST /api/v1/services/import/nssm"] = Need.Operator,
        ["GET /api/v1/events"] = Need.Viewer,
        ["POST /api/v1/commands"] = Need.Operator,
        ["GET /api/v1/commands"] = Need.Viewer,
        ["GET /api/v1/commands/{id}"] = Need.Viewer,
        ["GET /api/v1/groups"] = Need.Viewer,
        ["POST /api/v1/groups"] = Need.Operator,
        ["GET /api/v1/groups/{id}"] = Need.Viewer,
        ["PUT /api/v1/groups/{id}"] = Need.Operator,
        ["DELETE /api/v1/groups/{id}"] = Need.Operator,
        ["POST /api/v1/groups/{id}/switchover"] = Need.Operator,
        ["POST /api/v1/groups/{id}/confirm-down"] = Need.Operator,
        ["GET /api/v1/groups/{id}/history"] = Need.Viewer,
        ["POST /api/v1/groups/{id}/drills"] = Need.Operator,
        ["GET /api/v1/groups/{id}/drills"] = Need.Viewer,
        ["GET /api/v1/drills/{id}"] = Need.Viewer,
        ["GET /api/v1/users"] = Need.Admin,
        ["POST /api/v1/users"] = Need.Admin,
        ["GET /api/v1/users/{id}"] = Need.Admin,
        ["PUT /api/v1/users/{id}/role"] = Need.Admin,
        ["POST /api/v1/users/{id}/reset-password"] = Need.Admin,
        ["POST /api/v1/users/{id}/lock"] = Need.Admin,
        ["POST /api/v1/users/{id}/unlock"] = Need.Admin,
        ["DELETE /api/v1/users/{id}"] = Need.Admin,
        ["GET /api/v1/api-keys"] = Need.Admin,
        ["POST /api/v1/api-keys"] = Need.Admin,
        ["GET /api/v1/api-keys/{id}"] = Need.Admin,
        ["POST /api/v1/api-keys/{id}/revoke"] = Need.Admin,
        ["GET /api/v1/audit"] = Need.Operator,
        ["GET /api/v1/audit.csv"] = Need.Operator,
        ["POST /api/v1/agents/enroll"] = Need.Anonymous,
        ["GET /api/v1/agents"] = Need.Admin,
        ["GET /api/v1/agents/{id}"] = Need.Admin,
        ["POST /api/v1/agents/{id}/approve"] = Need.Admin,
        ["POST /api/v1/agents/{id}/revoke"] = Need.Admin,
        ["DELETE /api/v1/agents/{id}"] = Need.Admin,
        ["POST /api/v1/enrollment-tokens"] = Need.Admin,
        ["GET /api/v1/enrollment-tokens"] = Need.Admin,
        ["GET /api/v1/enrollment-tokens/{id}"] = Need.Admin,
        ["DELETE /api/v1/enrollment-tokens/{id}"] = Need.Admin,
        ["POST /api/v1/enrollment-tokens/{id}/revoke"] = Need.Admin,
        ["GET /api/v1/alerts"] = Need.Viewer,
        ["GET /api/v1/alerts/{id}"] = Need.Viewer,
        ["POST /api/v1/alerts/{id}/acknowledge"] = Need.Operator,
        ["GET /api/v1/alert-channels"] = Need.Viewer,
        ["GET /api/v1/alert-channels/{id}"] = Need.Viewer,
        ["POST /api/v1/alert-channels"] = Need.Admin,
        ["PUT /api/v1/alert-channels/{id}"] = Need.Admin,
        ["DELETE /api/v1/alert-channels/{id}"] = Need.Admin,
        ["POST /api/v1/alert-channels/{id}/test"] = Need.Operator,
        ["GET /api/v1/alert-rules"] = Need.Viewer,
        ["GET /api/v1/alert-rules/{id}"] = Need.Viewer,
        ["POST /api/v1/alert-rules"] = Need.Operator,
        ["PUT /api/v1/alert-rules/{id}"] = Need.Operator,
        ["DELETE /api/v1/alert-rules/{id}"] = Need.Operator,
        ["GET /api/v1/silences"] = Need.Viewer,
        ["GET /api/v1/silences/{id}"] = Need.Viewer,
        ["POST /api/v1/silences"] = Need.Operator,
        ["DELETE /api/v1/silences/{id}"] = Need.Operator,
        // Prometheus' scrape endpoint: a key of any role (anonymous from loopback only when configured, off here).
        ["GET /metrics"] = Need.Viewer,
    };

    /// <summary>Endpoints outside <c>/api</c> that answer to API keys; the exporter's route carries no HTTP method.</summary>
    private static readonly string[] OutsideApi = ["/metrics"];

    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private readonly Dictionary<string, HttpClient> _callers = [];

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _callers["anonymous"] = _host.CreateAnonymousClient();
        _callers["revoked"] = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Admin, revoked: true));
        _callers["expired"] = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Admin, expired: true));
        _callers["malformed"] = _host.CreateHttpClient("not a key");
        foreach (var role in VigilRoles.All)
        {
            _callers[role] = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, role));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _callers.Values)
        {
            client.Dispose();
        }

        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public void Every_api_endpoint_is_in_the_table_and_every_row_is_an_endpoint()
    {
        var endpoints = ApiEndpoints().Select(e => e.Key).ToHashSet();

        Assert.Empty(endpoints.Except(Required.Keys).Order());
        Assert.Empty(Required.Keys.Except(endpoints).Order());
    }

    [Fact]
    public async Task Each_caller_gets_what_its_role_allows_on_every_endpoint()
    {
        var failures = new List<string>();
        foreach (var (key, method, path) in ApiEndpoints())
        {
            var need = Required.GetValueOrDefault(key, Need.Admin);
            foreach (var (caller, client) in _callers)
            {
                var status = await SendAsync(client, method, path);
                var expected = Expected(need, caller);
                var ok = expected switch
                {
                    HttpStatusCode.OK => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                    _ => status == expected,
                };
                if (!ok)
                {
                    failures.Add($"{key} as {caller}: {(int)status}, expected {(expected == HttpStatusCode.OK ? "allowed" : ((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_refused_change_changes_nothing_and_is_audited_as_denied()
    {
        using var viewer = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Viewer, name: "viewer-audit"));
        using var body = new StringContent("""{"name":"forged","members":[]}""", Encoding.UTF8, "application/json");

        var response = await viewer.PostAsync(new Uri("/api/v1/groups", UriKind.Relative), body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var db = await _host.OpenDatabaseAsync();
        Assert.Empty(db.FailoverGroups);
        await Vigil.TestSupport.Eventually.HoldsAsync(
            () => Task.FromResult(db.AuditLog.Any(e => e.Actor == "key:viewer-audit" && e.Outcome == "Denied" && e.Target == "/api/v1/groups")),
            "the refusal is in the audit log");
    }

    private static HttpStatusCode Expected(Need need, string caller) => caller switch
    {
        _ when need == Need.Anonymous => HttpStatusCode.OK,
        "anonymous" or "revoked" or "expired" or "malformed" => HttpStatusCode.Unauthorized,
        VigilRoles.Admin => HttpStatusCode.OK,
        VigilRoles.Operator => need == Need.Admin ? HttpStatusCode.Forbidden : HttpStatusCode.OK,
        VigilRoles.Viewer => need == Need.Viewer ? HttpStatusCode.OK : HttpStatusCode.Forbidden,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>Every REST endpoint the host maps: its table key (method and route pattern) and a path to call, with fresh ids.</summary>
    private IEnumerable<(string Key, string Method, string Path)> ApiEndpoints()
    {
        var sources = _host.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            if (pattern.RawText is { } outside && OutsideApi.Contains(outside))
            {
                yield return ($"GET {outside}", "GET", outside);
                continue;
            }

            if (pattern.RawText is not { } raw || !raw.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }

            var route = "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                _ => "",
            }))));
            var path = string.Join('/', route.Split('/').Select(s => s.StartsWith('{') ? Guid.NewGuid().ToString() : s));
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                yield return ($"{method} {route}", method, path);
            }
        }
    }
}
