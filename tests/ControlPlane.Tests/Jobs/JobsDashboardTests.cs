using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Jobs;

/// <summary>Hangfire's dashboard is for Admins signed in to the dashboard: API keys and other roles are refused (403), anyone else is sent to sign in.</summary>
public sealed class JobsDashboardTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ControlPlaneHost.StartAsync(_database);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_signed_in_admin_sees_the_dashboard()
    {
        using var browser = new CookieBrowser(_host.Address);
        await browser.SignInAsync("admin", ControlPlaneHost.AdminPassword, "/");

        var page = await browser.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Vigil jobs", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangfire_own_messages_reach_the_product_log_under_its_categories()
    {
        await Eventually.HoldsAsync(
            () => _host.Logs.Entries.Any(e => e.Category.StartsWith("Hangfire.", StringComparison.Ordinal) && e.Message.Contains("Hangfire Server", StringComparison.Ordinal)),
            "Hangfire's server logged its start");
    }

    [Fact]
    public async Task Anyone_not_signed_in_is_sent_to_the_sign_in_page()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.Address };

        var answer = await anonymous.GetAsync(new Uri("/hangfire", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/account/login?ReturnUrl=%2Fhangfire", answer.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_api_key_is_refused_with_403()
    {
        using var key = _host.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync(new Uri("/hangfire", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Theory]
    [InlineData(VigilRoles.Operator)]
    [InlineData(VigilRoles.Viewer)]
    public async Task A_signed_in_user_who_is_not_an_admin_is_refused_with_403(string role)
    {
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<VigilUser>>();
            var user = new VigilUser { UserName = "erin" };
            Assert.True((await users.CreateAsync(user, "erins-password-123456")).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }

        using var browser = new CookieBrowser(_host.Address);
        await browser.SignInAsync("erin", "erins-password-123456", "/");

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/hangfire")).StatusCode);
    }
}
