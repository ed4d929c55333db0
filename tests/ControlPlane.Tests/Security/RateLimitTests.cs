using System.Net;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>Sign-ins per address and API requests per identity are limited; beyond the limit, 429 with Retry-After.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["RateLimits:LoginPerMinute"] = "3",
            ["RateLimits:ApiPerMinute"] = "5",
        });

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Sign_ins_beyond_the_limit_are_refused_with_retry_after_even_with_the_right_password()
    {
        using var browser = new CookieBrowser(_host.Address);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await browser.SignInAsync("admin", "wrong-password-for-the-limit", "/");
        }

        var beyond = await browser.PostFormAsync("/account/login", new()
        {
            ["UserName"] = "admin",
            ["Password"] = ControlPlaneHost.AdminPassword,
        });

        Assert.Equal(HttpStatusCode.TooManyRequests, beyond.StatusCode);
        Assert.True(beyond.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/nodes")).StatusCode);
    }

    [Fact]
    public async Task Api_requests_beyond_the_limit_get_a_problem_and_other_keys_are_not_affected()
    {
        using var busy = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, "Viewer", name: "busy-script"));
        using var other = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, "Viewer", name: "other-script"));
        var statuses = new List<HttpStatusCode>();
        for (var request = 0; request < 6; request++)
        {
            statuses.Add((await busy.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        }

        using var refused = await busy.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), TestContext.Current.CancellationToken);
        using var unaffected = await other.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5), statuses.Take(5));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many requests", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
    }
}
