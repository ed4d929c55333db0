using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>The dashboard's sign-in over plain HTTP, as a browser posts it: forms, antiforgery tokens, cookies.</summary>
public sealed partial class SignInTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Security:MaxFailedSignIns"] = "3",
        });

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task The_admin_signs_in_and_the_session_reads_the_api_and_opens_the_dashboard()
    {
        using var browser = new CookieBrowser(_host.Address);

        var landing = await browser.SignInAsync("admin", ControlPlaneHost.AdminPassword, "/nodes");

        Assert.Equal("/nodes", landing);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/nodes")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/nodes")).StatusCode);
        Assert.True(await AuditedAsync("admin", "account.login", "Succeeded"));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong_and_is_audited()
    {
        using var browser = new CookieBrowser(_host.Address);

        var landing = await browser.SignInAsync("admin", "not the password at all", "/nodes");
        var unknownUser = await browser.SignInAsync("nobody", "not the password at all", "/nodes");

        Assert.StartsWith("/account/login?error=invalid", landing, StringComparison.Ordinal);
        Assert.StartsWith("/account/login?error=invalid", unknownUser, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/nodes")).StatusCode);
        Assert.True(await AuditedAsync("admin", "account.login", "Denied"));
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains("not the password at all", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_even_against_the_right_password()
    {
        using var browser = new CookieBrowser(_host.Address);
        await CreateUserAsync("carol", VigilRoles.Viewer, "carol-password-123456");

        for (var attempt = 0; attempt < 3; attempt++)
        {
            await browser.SignInAsync("carol", "wrong-password-xyz", "/");
        }

        var landing = await browser.SignInAsync("carol", "carol-password-123456", "/");

        Assert.StartsWith("/account/login?error=locked", landing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_set_by_someone_else_must_be_changed_before_anything_else()
    {
        using var browser = new CookieBrowser(_host.Address);
        await CreateUserAsync("dave", VigilRoles.Operator, "one-time-password-1234", mustChange: true);

        var landing = await browser.SignInAsync("dave", "one-time-password-1234", "/groups");
        var apiBefore = await browser.GetAsync("/api/v1/nodes");
        var pageBefore = await browser.GetAsync("/nodes");
        var afterChange = await browser.PostFormAsync("/account/password", new()
        {
            ["CurrentPassword"] = "one-time-password-1234",
            ["NewPassword"] = "daves-own-password-42",
            ["ConfirmPassword"] = "daves-own-password-42",
            ["ReturnUrl"] = "/groups",
        });

        Assert.StartsWith("/account/password", landing, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, apiBefore.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, pageBefore.StatusCode);
        Assert.Equal("/groups", afterChange.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/nodes")).StatusCode);
    }

    [Fact]
    public async Task A_form_without_its_antiforgery_token_is_refused()
    {
        using var browser = new CookieBrowser(_host.Address);

        var response = await browser.PostFormAsync("/account/login", new()
        {
            ["UserName"] = "admin",
            ["Password"] = ControlPlaneHost.AdminPassword,
        }, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/nodes")).StatusCode);
    }

    [Fact]
    public async Task A_change_sent_from_another_site_with_the_session_is_refused()
    {
        using var browser = new CookieBrowser(_host.Address);
        await browser.SignInAsync("admin", ControlPlaneHost.AdminPassword, "/");

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v1/groups")
        {
            Content = new StringContent("""{"name":"forged"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        forged.Headers.Add("Origin", "http://attacker.example");
        var response = await browser.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var db = await _host.OpenDatabaseAsync();
        Assert.Empty(db.FailoverGroups);
    }

    [Fact]
    public async Task Pages_carry_security_headers_and_an_only_local_return_address_is_followed()
    {
        using var browser = new CookieBrowser(_host.Address);

        var page = await browser.GetAsync("/account/login");
        var elsewhere = await browser.SignInAsync("admin", ControlPlaneHost.AdminPassword, "https://attacker.example/");

        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("/", elsewhere);
    }

    private async Task CreateUserAsync(string name, string role, string password, bool mustChange = false)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Vigil.ControlPlane.Data.Security.VigilUser>>();
        var user = new Vigil.ControlPlane.Data.Security.VigilUser { UserName = name, MustChangePassword = mustChange };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
    }

    private async Task<bool> AuditedAsync(string actor, string action, string outcome)
    {
        var found = false;
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await _host.OpenDatabaseAsync();
                found = db.AuditLog.Any(e => e.Actor == actor && e.Action == action && e.Outcome == outcome);
                return found;
            },
            $"{action} by {actor} is audited as {outcome}");
        return found;
    }
}

/// <summary>An HTTP client that keeps cookies and fills antiforgery tokens from the page's form, as a browser would.</summary>
internal sealed partial class CookieBrowser(Uri address) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };

    /// <summary>Posts the sign-in form and returns where it redirects to.</summary>
    public async Task<string> SignInAsync(string userName, string password, string returnUrl)
    {
        var response = await PostFormAsync("/account/login", new()
        {
            ["UserName"] = userName,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, bool withToken = true)
    {
        if (withToken)
        {
            var page = await (await GetAsync(path)).Content.ReadAsStringAsync();
            fields["__RequestVerificationToken"] = TokenPattern().Match(page).Groups[1].Value;
        }

        return await _http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative));

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
