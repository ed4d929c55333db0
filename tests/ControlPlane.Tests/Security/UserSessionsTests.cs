using System.Net;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>
/// User administration seen from signed-in sessions (cookies, as a browser holds them): nobody
/// deletes themselves, and a role change or a lock ends the user's session at its next validation.
/// </summary>
public sealed class UserSessionsTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private AdministrationClient _api = null!;

    public async ValueTask InitializeAsync()
    {
        // Sessions are checked against the security stamp at every request, so no test waits a minute.
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?> { ["Security:SessionValidationInterval"] = "00:00:00.001" });
        _api = new AdministrationClient(_host.CreateHttpClient());
    }

    public async ValueTask DisposeAsync()
    {
        _api.Http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_signed_in_admin_cannot_delete_or_lock_themselves()
    {
        var second = await _api.CreateUserAsync("deputy", "Admin");
        using var browser = new CookieBrowser(_host.Address);
        await browser.SignInAsync("admin", ControlPlaneHost.AdminPassword, "/");
        var self = (await _api.ListUsersAsync("?name=admin&role=Admin")).Items.Single(u => u.UserName == "admin");

        var deleted = await SendAsync(browser, HttpMethod.Delete, $"/api/v1/users/{self.Id}");
        var locked = await SendAsync(browser, HttpMethod.Post, $"/api/v1/users/{self.Id}/lock");
        var deletedOther = await SendAsync(browser, HttpMethod.Delete, $"/api/v1/users/{second.User.Id}");

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (deleted.StatusCode, locked.StatusCode));
        Assert.Contains("yourself", await deleted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deletedOther.StatusCode);
        await Eventually.HoldsAsync(
            async () => (await _api.ListAuditAsync("?actor=admin&action=DeleteUser")).Items.Any(e => e.GetProperty("outcome").GetString() == "Failed"),
            "the refused self-deletion is audited with the admin as actor");
    }

    [Theory]
    [InlineData("role")]
    [InlineData("lock")]
    [InlineData("reset-password")]
    public async Task A_change_to_a_signed_in_user_ends_their_session(string change)
    {
        await _api.CreateUserAsync("erin", "Operator", "erins-first-password");
        var erin = (await _api.ListUsersAsync("?name=erin")).Items.Single();
        using var browser = new CookieBrowser(_host.Address);
        await browser.SignInAsync("erin", "erins-first-password", "/");
        await browser.PostFormAsync("/account/password", new()
        {
            ["CurrentPassword"] = "erins-first-password",
            ["NewPassword"] = "erins-own-password-42",
            ["ConfirmPassword"] = "erins-own-password-42",
            ["ReturnUrl"] = "/",
        });
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/nodes")).StatusCode);

        using var changed = change switch
        {
            "role" => await _api.PutAsync($"/api/v1/users/{erin.Id}/role", new { role = "Viewer" }),
            _ => await _api.PostAsync($"/api/v1/users/{erin.Id}/{change}"),
        };

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await Eventually.HoldsAsync(
            async () => (await browser.GetAsync("/api/v1/nodes")).StatusCode == HttpStatusCode.Unauthorized,
            $"erin's session ends after the {change} change");
    }

    private async Task<HttpResponseMessage> SendAsync(CookieBrowser browser, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("Origin", _host.Address.GetLeftPart(UriPartial.Authority));
        return await browser.SendAsync(request);
    }
}
