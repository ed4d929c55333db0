using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Security;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>The silences page of the real control plane, as its first render shows it to an operator and to a viewer.</summary>
public sealed class SilencesPageTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ControlPlaneHost.StartAsync(_database);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Theory]
    [InlineData(VigilRoles.Operator, true)]
    [InlineData(VigilRoles.Viewer, false)]
    public async Task Active_and_expired_silences_are_listed_and_only_operators_get_the_form_and_the_expire_button(string role, bool changes)
    {
        using var api = _host.CreateHttpClient();
        var active = await CreateAsync(api, "db-1", "patching db-1");
        var ended = await CreateAsync(api, "web-7", "replaced web-7");
        using (var expired = await api.DeleteAsync(new Uri($"/api/v1/silences/{ended}", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, expired.StatusCode);
        }

        await AddUserAsync("erin", role);
        using var browser = new CookieBrowser(_host.Address);
        await browser.SignInAsync("erin", "erins-password-123456", "/alerts/silences");
        using var response = await browser.GetAsync("/alerts/silences");
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var list = await browser.GetAsync("/alerts");
        var alerts = await list.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("patching db-1", page, StringComparison.Ordinal);
        Assert.Contains("replaced web-7", page, StringComparison.Ordinal);
        Assert.Contains("Node = db-1", page, StringComparison.Ordinal);
        Assert.True(page.IndexOf("patching db-1", StringComparison.Ordinal) < page.IndexOf("replaced web-7", StringComparison.Ordinal), "active silences come first");
        Assert.Equal(changes, page.Contains("Add a silence", StringComparison.Ordinal));
        Assert.Equal(changes ? 1 : 0, Count(page, "data-testid=\"expire-silence\""));
        Assert.Contains("href=\"/alerts/silences\"", alerts, StringComparison.Ordinal);
        Assert.NotEqual(active, ended);
    }

    private static int Count(string text, string fragment) => (text.Length - text.Replace(fragment, "", StringComparison.Ordinal).Length) / fragment.Length;

    private static async Task<Guid> CreateAsync(HttpClient api, string node, string comment)
    {
        using var created = await api.PostAsJsonAsync(
            new Uri("/api/v1/silences", UriKind.Relative),
            new { matchers = new[] { new { field = "Node", value = node } }, expiresAt = DateTimeOffset.UtcNow.AddHours(2), comment },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
    }

    private async Task AddUserAsync(string name, string role)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VigilUser>>();
        var user = new VigilUser { UserName = name };
        Assert.True((await users.CreateAsync(user, "erins-password-123456")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
    }
}
