using System.Net;
using System.Text.Json;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary><c>/api/v1/api-keys</c> on the real control plane over HTTP: keys made here authenticate real requests.</summary>
public sealed class ApiKeysApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private AdministrationClient _api = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _api = new AdministrationClient(_host.CreateHttpClient());
    }

    public async ValueTask DisposeAsync()
    {
        _api.Http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_created_key_authenticates_with_its_role_and_its_text_is_only_in_the_create_response()
    {
        using var response = await _api.PostAsync("/api/v1/api-keys", new { name = "ci-deploy", role = "viewer", expiresInDays = 30 });
        var created = await AdministrationClient.ReadAsync<CreatedApiKeyResponse>(response, HttpStatusCode.Created);
        using var asKey = AdministrationClient.WithKey(_host, created.Key);

        using var read = await asKey.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), Cancellation);
        using var change = await new AdministrationClient(asKey).PostAsync("/api/v1/api-keys", new { name = "escalate", role = "Admin" });

        Assert.Equal($"/api/v1/api-keys/{created.ApiKey.Id}", response.Headers.Location?.OriginalString);
        Assert.StartsWith($"vk_{created.ApiKey.Id:N}_", created.Key, StringComparison.Ordinal);
        Assert.Equal((VigilRoles.Viewer, ApiKeyState.Active), (created.ApiKey.Role, created.ApiKey.State));
        Assert.Equal(TimeSpan.FromDays(30), created.ApiKey.ExpiresAt - created.ApiKey.CreatedAt);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (read.StatusCode, change.StatusCode));

        var list = await (await _api.GetAsync("/api/v1/api-keys")).Content.ReadAsStringAsync(Cancellation);
        var one = await (await _api.GetAsync($"/api/v1/api-keys/{created.ApiKey.Id}")).Content.ReadAsStringAsync(Cancellation);
        var audit = JsonSerializer.Serialize((await _api.ListAuditAsync("?pageSize=500")).Items);
        Assert.Contains("ci-deploy", list, StringComparison.Ordinal);
        Assert.Contains("ci-deploy", one, StringComparison.Ordinal);
        // The text after the prefix, whole: it may itself hold underscores.
        var secret = created.Key[$"vk_{created.ApiKey.Id:N}_".Length..];
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, one, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once_and_stays_listed_as_revoked()
    {
        var created = await _api.CreateKeyAsync("short-lived", "Operator");
        using var asKey = AdministrationClient.WithKey(_host, created.Key);
        using var before = await asKey.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), Cancellation);

        using var revoked = await _api.PostAsync($"/api/v1/api-keys/{created.ApiKey.Id}/revoke");
        using var after = await asKey.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), Cancellation);
        using var again = await _api.PostAsync($"/api/v1/api-keys/{created.ApiKey.Id}/revoke");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var state = await AdministrationClient.ReadAsync<ApiKeyResponse>(revoked);
        Assert.Equal(ApiKeyState.Revoked, state.State);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(state.RevokedAt, (await AdministrationClient.ReadAsync<ApiKeyResponse>(again)).RevokedAt);
        var listed = await AdministrationClient.ReadAsync<PagedResult<ApiKeyResponse>>(await _api.GetAsync("/api/v1/api-keys"));
        var active = await AdministrationClient.ReadAsync<PagedResult<ApiKeyResponse>>(await _api.GetAsync("/api/v1/api-keys?includeRevoked=false"));
        Assert.Contains(listed.Items, k => k.Id == created.ApiKey.Id && k.State == ApiKeyState.Revoked);
        Assert.DoesNotContain(active.Items, k => k.Id == created.ApiKey.Id);
    }

    [Fact]
    public async Task A_key_stops_working_when_it_expires()
    {
        var now = DateTimeOffset.UtcNow;
        var expiresAt = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(10);
        using var response = await _api.PostAsync("/api/v1/api-keys", new { name = "expiring", role = "Viewer", expiresAt });
        var created = await AdministrationClient.ReadAsync<CreatedApiKeyResponse>(response, HttpStatusCode.Created);
        using var asKey = AdministrationClient.WithKey(_host, created.Key);

        using var before = await asKey.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), Cancellation);
        Assert.True(DateTimeOffset.UtcNow < expiresAt, "the machine was too slow to use the key before it expired");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await Eventually.HoldsAsync(
            async () =>
            {
                using var after = await asKey.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), Cancellation);
                return after.StatusCode == HttpStatusCode.Unauthorized;
            },
            "the expired key is refused",
            TimeSpan.FromSeconds(40));
        Assert.True(DateTimeOffset.UtcNow >= expiresAt, "refused before its expiry");
        var listed = await AdministrationClient.ReadAsync<ApiKeyResponse>(await _api.GetAsync($"/api/v1/api-keys/{created.ApiKey.Id}"));
        Assert.Equal(ApiKeyState.Expired, listed.State);
    }

    [Fact]
    public async Task A_used_key_shows_when_it_was_last_used()
    {
        var created = await _api.CreateKeyAsync("monitor", "Viewer");
        using var asKey = AdministrationClient.WithKey(_host, created.Key);

        using var used = await asKey.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), Cancellation);

        Assert.Null(created.ApiKey.LastUsedAt);
        await Eventually.HoldsAsync(
            async () => (await AdministrationClient.ReadAsync<ApiKeyResponse>(await _api.GetAsync($"/api/v1/api-keys/{created.ApiKey.Id}"))).LastUsedAt is not null,
            "the key's last use is recorded");
    }

    [Theory]
    [InlineData("""{ "role": "Viewer" }""", "name")]
    [InlineData("""{ "name": "  ", "role": "Viewer" }""", "name")]
    [InlineData("""{ "name": "k", "role": "Root" }""", "role")]
    [InlineData("""{ "name": "k" }""", "role")]
    [InlineData("""{ "name": "k", "role": "Viewer", "expiresInDays": 0 }""", "expiresInDays")]
    [InlineData("""{ "name": "k", "role": "Viewer", "expiresInDays": 366 }""", "expiresInDays")]
    [InlineData("""{ "name": "k", "role": "Viewer", "expiresAt": "2020-01-01T00:00:00Z" }""", "expiresAt")]
    [InlineData("""{ "name": "k", "role": "Viewer", "expiresAt": "2999-01-01T00:00:00Z" }""", "expiresAt")]
    [InlineData("""{ "name": "k", "role": "Viewer", "expiresAt": "2999-01-01T00:00:00Z", "expiresInDays": 5 }""", "expiresInDays")]
    public async Task Every_invalid_field_of_a_new_key_is_named(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _api.Http.PostAsync(new Uri("/api/v1/api-keys", UriKind.Relative), content, Cancellation);

        await AdministrationClient.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task A_name_in_use_by_a_key_that_is_not_revoked_is_refused_and_free_again_after_revoking()
    {
        var first = await _api.CreateKeyAsync("deploy", "Operator");

        using var taken = await _api.PostAsync("/api/v1/api-keys", new { name = "deploy", role = "Operator" });
        using var revoked = await _api.PostAsync($"/api/v1/api-keys/{first.ApiKey.Id}/revoke");
        using var reused = await _api.PostAsync("/api/v1/api-keys", new { name = "deploy", role = "Operator" });

        await AdministrationClient.AssertNamesFieldAsync(taken, "name");
        Assert.Equal(HttpStatusCode.Created, reused.StatusCode);
    }

    [Fact]
    public async Task Without_an_expiry_a_key_lasts_ninety_days()
    {
        var created = await _api.CreateKeyAsync("default-expiry", "Viewer");

        Assert.Equal(TimeSpan.FromDays(ApiKeyIssuer.DefaultLifetimeDays), created.ApiKey.ExpiresAt - created.ApiKey.CreatedAt);
    }

    [Fact]
    public async Task Creating_and_revoking_are_audited_with_actor_target_and_outcome()
    {
        var created = await _api.CreateKeyAsync("audited", "Viewer");
        using var revoked = await _api.PostAsync($"/api/v1/api-keys/{created.ApiKey.Id}/revoke");
        using var unknown = await _api.PostAsync($"/api/v1/api-keys/{Guid.NewGuid()}/revoke");

        List<JsonElement> entries = [];
        await Eventually.HoldsAsync(
            async () => (entries = (await _api.ListAuditAsync("?target=api-keys")).Items.Reverse().ToList()).Count >= 3,
            "the key's changes are audited");
        Assert.Equal(
            [("CreateApiKey", "Succeeded"), ("RevokeApiKey", "Succeeded"), ("RevokeApiKey", "Failed")],
            entries.Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("outcome").GetString()!)));
        Assert.Equal(["/api/v1/api-keys", $"/api/v1/api-keys/{created.ApiKey.Id}/revoke"], entries.Take(2).Select(e => e.GetProperty("target").GetString()));
        Assert.Contains("audited", entries[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.All(entries, e => Assert.NotEqual("anonymous", e.GetProperty("actor").GetString()));
        Assert.Equal(created.ApiKey.CreatedBy, entries[0].GetProperty("actor").GetString());
    }
}
