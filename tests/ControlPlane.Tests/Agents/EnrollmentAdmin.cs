using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>Admin calls to the enrolment endpoints, with the host's Admin API key.</summary>
public sealed class EnrollmentAdmin(HttpClient http)
{
    /// <summary>The actor that admin changes are recorded under: the host's initial Admin API key.</summary>
    public const string Name = "key:";

    public HttpClient Http { get; } = http;

    public static async Task<(ControlPlaneHost Host, EnrollmentAdmin Admin)> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = await ControlPlaneHost.StartAsync(database, settings);
        return (host, new EnrollmentAdmin(host.CreateHttpClient()));
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
}
