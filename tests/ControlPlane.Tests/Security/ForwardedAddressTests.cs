using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>
/// Behind a configured reverse proxy, rate limits and the audit log go by the client's forwarded address;
/// without one, X-Forwarded-For is ignored (anyone could send it). Floods of refused enrolments are audited
/// as one row per address and minute.
/// </summary>
public sealed class ForwardedAddressTests : IAsyncDisposable
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost? _host;

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_limit_and_its_refusals_one_audit_row()
    {
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["RateLimits:EnrollmentPerMinute"] = "3",
            ["ReverseProxy:KnownProxies:0"] = "127.0.0.1",
        });

        var flooding = await EnrolWithWrongTokenAsync("198.51.100.7", times: 4);
        var other = await EnrolWithWrongTokenAsync("198.51.100.8", times: 1);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], flooding);
        Assert.Equal([HttpStatusCode.Unauthorized], other);
        await using var db = await _host.OpenDatabaseAsync();
        var audited = await db.AuditLog.AsNoTracking().Where(e => e.Action == "EnrollAgent").ToListAsync(TestContext.Current.CancellationToken);
        Assert.Single(audited, e => e.SourceAddress == "198.51.100.7");
        Assert.Single(audited, e => e.SourceAddress == "198.51.100.8");
    }

    [Fact]
    public async Task Without_a_configured_proxy_a_forwarded_address_is_ignored()
    {
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?> { ["RateLimits:EnrollmentPerMinute"] = "3" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 4; i++)
        {
            statuses.AddRange(await EnrolWithWrongTokenAsync($"198.51.100.{i}", times: 1));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
        await using var db = await _host.OpenDatabaseAsync();
        Assert.DoesNotContain(await db.AuditLog.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken), e => e.SourceAddress is { } address && address.StartsWith("198.51.100.", StringComparison.Ordinal));
    }

    private async Task<List<HttpStatusCode>> EnrolWithWrongTokenAsync(string client, int times)
    {
        using var http = _host!.CreateAnonymousClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < times; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents/enroll")
            {
                Content = JsonContent.Create(new { token = "not-the-enrollment-token-42", nodeId = Guid.NewGuid(), hostName = "flood" }),
            };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}
