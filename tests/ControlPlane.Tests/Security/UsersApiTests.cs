using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary><c>/api/v1/users</c> on the real control plane over HTTP, called with an admin's API key.</summary>
public sealed class UsersApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private AdministrationClient _api = null!;

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
    public async Task A_created_user_gets_a_generated_password_once_and_reads_back_without_secrets()
    {
        using var response = await _api.PostAsync("/api/v1/users", new { userName = "alice", email = "alice@example.com", role = "operator" });
        var created = await AdministrationClient.ReadAsync<CreatedUserResponse>(response, HttpStatusCode.Created);

        Assert.Equal($"/api/v1/users/{created.User.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("alice", VigilRoles.Operator, true), (created.User.UserName, created.User.Role, created.User.MustChangePassword));
        Assert.False(string.IsNullOrEmpty(created.Password));
        using var read = await _api.GetAsync($"/api/v1/users/{created.User.Id}");
        var text = await read.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain(created.Password, text, StringComparison.Ordinal);
        var properties = JsonDocument.Parse(text).RootElement.EnumerateObject().Select(p => p.Name.ToUpperInvariant()).ToList();
        Assert.DoesNotContain(properties, p => p.Contains("HASH", StringComparison.Ordinal) || p.Contains("STAMP", StringComparison.Ordinal) || p.Contains("PASSWORD", StringComparison.Ordinal) && p != "MUSTCHANGEPASSWORD");
        Assert.False(_host.Logs.Contains(LogLevel.Trace, created.Password!), "the generated password was logged");
    }

    [Theory]
    [InlineData("""{ "role": "Viewer" }""", "userName")]
    [InlineData("""{ "userName": "bad name!", "role": "Viewer" }""", "userName")]
    [InlineData("""{ "userName": "System", "role": "Admin" }""", "userName")]
    [InlineData("""{ "userName": "console", "role": "Viewer" }""", "userName")]
    [InlineData("""{ "userName": "bob", "role": "Root" }""", "role")]
    [InlineData("""{ "userName": "bob" }""", "role")]
    [InlineData("""{ "userName": "bob", "role": "Viewer", "email": "nope" }""", "email")]
    [InlineData("""{ "userName": "bob", "role": "Viewer", "password": "short" }""", "password")]
    [InlineData("""{ "userName": "bob", "role": "Viewer", "password": "" }""", "password")]
    public async Task Every_invalid_field_of_a_new_user_is_named(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _api.Http.PostAsync(new Uri("/api/v1/users", UriKind.Relative), content, TestContext.Current.CancellationToken);

        await AdministrationClient.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task A_password_rule_failure_carries_the_rules_own_messages()
    {
        using var response = await _api.PostAsync("/api/v1/users", new { userName = "carol", role = "Viewer", password = "short" });

        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Contains(problem.GetProperty("errors").GetProperty("password").EnumerateArray(), m => m.GetString()!.StartsWith("Passwords must", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("?role=Root", "role")]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=501", "pageSize")]
    public async Task Every_invalid_query_parameter_is_named(string query, string field)
    {
        using var response = await _api.GetAsync($"/api/v1/users{query}");

        await AdministrationClient.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task The_last_enabled_admin_can_be_neither_demoted_locked_nor_deleted_over_the_API()
    {
        var keeper = (await _api.CreateUserAsync("keeper", "Admin")).User;
        foreach (var other in (await _api.ListUsersAsync("?role=Admin")).Items.Where(u => u.Id != keeper.Id))
        {
            using var deleted = await _api.DeleteAsync($"/api/v1/users/{other.Id}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var demoted = await _api.PutAsync($"/api/v1/users/{keeper.Id}/role", new { role = "Viewer" });
        using var locked = await _api.PostAsync($"/api/v1/users/{keeper.Id}/lock");
        using var deletedLast = await _api.DeleteAsync($"/api/v1/users/{keeper.Id}");

        Assert.Equal([HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict], new[] { demoted.StatusCode, locked.StatusCode, deletedLast.StatusCode });
        Assert.Equal("application/problem+json", demoted.Content.Headers.ContentType?.MediaType);
        Assert.Contains("last admin", await demoted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(["keeper"], (await _api.ListUsersAsync("?role=Admin")).Items.Select(u => u.UserName));
    }

    [Fact]
    public async Task Role_changes_locks_resets_and_deletes_answer_and_are_audited_with_actor_target_and_outcome()
    {
        var user = (await _api.CreateUserAsync("dave", "Viewer")).User;

        using var promoted = await _api.PutAsync($"/api/v1/users/{user.Id}/role", new { role = "Operator" });
        using var reset = await _api.PostAsync($"/api/v1/users/{user.Id}/reset-password");
        using var locked = await _api.PostAsync($"/api/v1/users/{user.Id}/lock");
        using var unlocked = await _api.PostAsync($"/api/v1/users/{user.Id}/unlock");
        using var badRole = await _api.PutAsync($"/api/v1/users/{user.Id}/role", new { role = "Root" });
        using var deleted = await _api.DeleteAsync($"/api/v1/users/{user.Id}");
        using var gone = await _api.GetAsync($"/api/v1/users/{user.Id}");

        Assert.Equal(VigilRoles.Operator, (await AdministrationClient.ReadAsync<UserResponse>(promoted)).Role);
        var password = (await AdministrationClient.ReadAsync<OneTimePasswordResponse>(reset)).Password;
        Assert.True((await AdministrationClient.ReadAsync<UserResponse>(locked)).Disabled);
        Assert.False((await AdministrationClient.ReadAsync<UserResponse>(unlocked)).Disabled);
        await AdministrationClient.AssertNamesFieldAsync(badRole, "role");
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted.StatusCode, gone.StatusCode));

        var expected = new[]
        {
            ("CreateUser", "/api/v1/users", "Succeeded"),
            ("ChangeUserRole", $"/api/v1/users/{user.Id}/role", "Succeeded"),
            ("ResetUserPassword", $"/api/v1/users/{user.Id}/reset-password", "Succeeded"),
            ("LockUser", $"/api/v1/users/{user.Id}/lock", "Succeeded"),
            ("UnlockUser", $"/api/v1/users/{user.Id}/unlock", "Succeeded"),
            ("ChangeUserRole", $"/api/v1/users/{user.Id}/role", "Failed"),
            ("DeleteUser", $"/api/v1/users/{user.Id}", "Succeeded"),
        };
        List<JsonElement> entries = [];
        await Eventually.HoldsAsync(async () => (entries = (await _api.ListAuditAsync("?pageSize=500")).Items.Where(IsAboutUsers).Reverse().ToList()).Count >= expected.Length, "every change is audited");
        Assert.Equal(expected, entries.Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("target").GetString()!, e.GetProperty("outcome").GetString()!)));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("actor").GetString())));
        Assert.All(entries, e => Assert.NotEqual("anonymous", e.GetProperty("actor").GetString()));
        Assert.Contains("dave", entries[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("role", entries[5].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => e.GetRawText().Contains(password, StringComparison.Ordinal));
        Assert.False(_host.Logs.Contains(LogLevel.Trace, password), "the one-time password was logged");
    }

    [Fact]
    public async Task Unknown_users_are_not_found()
    {
        using var read = await _api.GetAsync("/api/v1/users/no-such-user");
        using var deleted = await _api.DeleteAsync("/api/v1/users/no-such-user");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (read.StatusCode, deleted.StatusCode));
    }

    [Fact]
    public async Task Only_admins_manage_users()
    {
        var operatorKey = await _api.CreateKeyAsync("ops-script", "Operator");
        using var asOperator = AdministrationClient.WithKey(_host, operatorKey.Key);
        using var anonymous = new HttpClient { BaseAddress = _host.Address };

        using var listed = await asOperator.GetAsync(new Uri("/api/v1/users", UriKind.Relative), TestContext.Current.CancellationToken);
        using var created = await new AdministrationClient(asOperator).PostAsync("/api/v1/users", new { userName = "mallory", role = "Admin" });
        using var listedAnonymously = await anonymous.GetAsync(new Uri("/api/v1/users", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized), (listed.StatusCode, created.StatusCode, listedAnonymously.StatusCode));
        Assert.Empty((await _api.ListUsersAsync("?name=mallory")).Items);
    }

    private static bool IsAboutUsers(JsonElement entry) =>
        entry.GetProperty("target").GetString()?.StartsWith("/api/v1/users", StringComparison.Ordinal) == true;
}
