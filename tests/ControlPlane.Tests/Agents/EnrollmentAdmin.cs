using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>
/// Admin calls to the enrolment endpoints. Until the control plane's own sign-in is in place, tests
/// authenticate as an admin with a test-only scheme: any request carrying <see cref="Header"/>.
/// </summary>
public sealed class EnrollmentAdmin(HttpClient http)
{
    public const string Header = "X-Test-Admin";
    public const string Name = "test-admin";
    private const string SchemeName = "TestAdmin";

    public HttpClient Http { get; } = http;

    public static Action<IServiceCollection> Authentication => services =>
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, TestAdminHandler>(SchemeName, _ => { });
        services.AddAuthorizationBuilder()
            .AddPolicy(VigilPolicies.Admin, policy => policy.AddAuthenticationSchemes(SchemeName).RequireRole(VigilRoles.Admin));
    };

    public static async Task<(ControlPlaneHost Host, EnrollmentAdmin Admin)> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = await ControlPlaneHost.StartAsync(database, settings, Authentication);
        var http = host.CreateHttpClient();
        http.DefaultRequestHeaders.Add(Header, "yes");
        return (host, new EnrollmentAdmin(http));
    }

    /// <summary>Creates a token and returns its id and secret text.</summary>
    public async Task<(Guid Id, string Token)> CreateTokenAsync(int maxUses = 1, bool requiresApproval = false, string expiresIn = "1.00:00:00", string name = "test token")
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/enrollment-tokens", new { name, expiresIn, maxUses, requiresApproval });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("details").GetProperty("id").GetGuid(), body.GetProperty("token").GetString()!);
    }

    public async Task<HttpStatusCode> PostAsync(string path)
    {
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), null);
        return response.StatusCode;
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task<HttpStatusCode> ApproveAsync(Guid agentId) => PostAsync($"/api/v1/agents/{agentId}/approve");

    public Task<HttpStatusCode> RevokeAsync(Guid agentId) => PostAsync($"/api/v1/agents/{agentId}/revoke");

    public async Task<HttpStatusCode> ForgetAsync(Guid agentId)
    {
        using var response = await Http.DeleteAsync(new Uri($"/api/v1/agents/{agentId}", UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>The enrolled agent of <paramref name="nodeId"/> as the admin list shows it.</summary>
    public async Task<JsonElement?> AgentOfNodeAsync(Guid nodeId)
    {
        var page = await GetAsync("/api/v1/agents?pageSize=500");
        foreach (var agent in page.GetProperty("items").EnumerateArray())
        {
            if (agent.GetProperty("nodeId").GetGuid() == nodeId)
            {
                return agent;
            }
        }

        return null;
    }

    private sealed class TestAdminHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.ContainsKey(Header))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, Name), new Claim(ClaimTypes.Role, VigilRoles.Admin)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
