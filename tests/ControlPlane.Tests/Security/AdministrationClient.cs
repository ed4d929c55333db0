using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>Users, API keys and the audit log through the public REST API, as an admin's script would use them.</summary>
public sealed class AdministrationClient(HttpClient http)
{
    public static JsonSerializerOptions Json => NodesApiClient.Json;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public HttpClient Http => http;

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) =>
        http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body ?? new { }, Cancellation);

    public Task<HttpResponseMessage> PutAsync(string path, object body) =>
        http.PutAsJsonAsync(new Uri(path, UriKind.Relative), body, Cancellation);

    public Task<HttpResponseMessage> DeleteAsync(string path) => http.DeleteAsync(new Uri(path, UriKind.Relative), Cancellation);

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(new Uri(path, UriKind.Relative), Cancellation);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode} instead of {expected}: {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    public async Task<CreatedUserResponse> CreateUserAsync(string userName, string role, string? password = null)
    {
        using var response = await PostAsync("/api/v1/users", new { userName, role, password });
        return await AdministrationClient.ReadAsync<CreatedUserResponse>(response, HttpStatusCode.Created);
    }

    public async Task<PagedResult<UserResponse>> ListUsersAsync(string query = "")
    {
        using var response = await GetAsync($"/api/v1/users{query}");
        return await AdministrationClient.ReadAsync<PagedResult<UserResponse>>(response);
    }

    public async Task<CreatedApiKeyResponse> CreateKeyAsync(string name, string role, int? expiresInDays = null)
    {
        using var response = await PostAsync("/api/v1/api-keys", new { name, role, expiresInDays });
        return await AdministrationClient.ReadAsync<CreatedApiKeyResponse>(response, HttpStatusCode.Created);
    }

    public async Task<PagedResult<JsonElement>> ListAuditAsync(string query = "")
    {
        using var response = await GetAsync($"/api/v1/audit{query}");
        return await AdministrationClient.ReadAsync<PagedResult<JsonElement>>(response);
    }

    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>.</summary>
    public static async Task AssertNamesFieldAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {text}");
    }

    /// <summary>A client that authenticates with <paramref name="key"/> only.</summary>
    public static HttpClient WithKey(ControlPlaneHost host, string key)
    {
        var client = new HttpClient { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        return client;
    }
}
