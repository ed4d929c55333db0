using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>Enrolment and enrollment tokens over the real HTTP API of a real host.</summary>
public sealed class EnrollmentApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private EnrollmentAdmin _admin = null!;

    public async ValueTask InitializeAsync() => (_host, _admin) = await EnrollmentAdmin.StartAsync(_database);

    public async ValueTask DisposeAsync()
    {
        _admin.Http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_token_enrols_as_many_agents_as_its_uses_and_then_is_refused_as_used_up()
    {
        var (id, token) = await _admin.CreateTokenAsync(maxUses: 2);

        var first = await Enrol(token);
        var second = await Enrol(token);
        var third = await Enrol(token);

        Assert.True(first.Enrolled);
        Assert.True(second.Enrolled);
        Assert.Equal("Approved", first.State);
        Assert.StartsWith("vac_", first.Credential, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, third.Status);
        Assert.Equal("The enrollment token has been used up.", third.Title);
        var listed = await _admin.GetAsync($"/api/v1/enrollment-tokens/{id}");
        Assert.Equal(2, listed.GetProperty("uses").GetInt32());
        Assert.Equal("UsedUp", listed.GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_expired_token_is_refused_as_expired()
    {
        var (id, token) = await _admin.CreateTokenAsync(maxUses: 5);
        await using (var db = await _host.OpenDatabaseAsync())
        {
            var row = await db.EnrollmentTokens.SingleAsync(t => t.Id == id, TestContext.Current.CancellationToken);
            row.ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var refused = await Enrol(token);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("The enrollment token has expired.", refused.Title);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_and_listed_as_revoked()
    {
        var (id, token) = await _admin.CreateTokenAsync(maxUses: 5);

        using var revoke = await _admin.Http.DeleteAsync(new Uri($"/api/v1/enrollment-tokens/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        var refused = await Enrol(token);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("The enrollment token has been revoked.", refused.Title);
        Assert.Equal("Revoked", (await _admin.GetAsync($"/api/v1/enrollment-tokens/{id}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Racing_enrolments_on_a_one_use_token_leave_exactly_one_winner()
    {
        var (id, token) = await _admin.CreateTokenAsync(maxUses: 1);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enrol(token))));

        Assert.Single(results, r => r.Enrolled);
        Assert.All(results.Where(r => !r.Enrolled), r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        await using var db = await _host.OpenDatabaseAsync();
        Assert.Equal(1, (await db.EnrollmentTokens.SingleAsync(t => t.Id == id, TestContext.Current.CancellationToken)).Uses);
        Assert.Equal(1, await db.Agents.CountAsync(a => a.EnrollmentTokenId == id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unknown_token_is_refused_without_being_echoed()
    {
        const string unknown = "vet_00000000000000000000000000000000_not-a-real-secret";

        using var anonymous = _host.CreateAnonymousClient();
        using var response = await anonymous.PostAsJsonAsync(
            "/api/v1/agents/enroll", new { token = unknown, nodeId = Guid.NewGuid(), hostName = "web-01" }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("The enrollment token is not valid.", body, StringComparison.Ordinal);
        Assert.DoesNotContain(unknown, body, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Message.Contains(unknown, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_revoked_node_cannot_enrol_again_until_an_admin_forgets_it()
    {
        var nodeId = Guid.NewGuid();
        var (_, token) = await _admin.CreateTokenAsync(maxUses: 5);
        var first = await Enrol(token, nodeId);
        Assert.Equal(HttpStatusCode.Conflict, await _admin.ForgetAsync(first.AgentId!.Value));
        Assert.Equal(HttpStatusCode.OK, await _admin.RevokeAsync(first.AgentId!.Value));

        var refused = await Enrol(token, nodeId);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("This node's agent has been revoked.", refused.Title);

        Assert.Equal(HttpStatusCode.NoContent, await _admin.ForgetAsync(first.AgentId!.Value));
        var again = await Enrol(token, nodeId);
        Assert.True(again.Enrolled);
    }

    [Fact]
    public async Task A_node_enrolling_again_with_its_current_credential_replaces_it()
    {
        var nodeId = Guid.NewGuid();
        var (_, token) = await _admin.CreateTokenAsync(maxUses: 2);
        var old = await Enrol(token, nodeId);

        var renewed = await TestAgentConnection.EnrollAsync(_host.Address, token, nodeId, "web-01", old.Credential);

        Assert.True(renewed.Enrolled);
        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => TestAgentConnection.ConnectWithCredentialAsync(_host.Address, old.Credential, nodeId));
        Assert.Contains("401", refusal.Message, StringComparison.Ordinal);
        await using var agent = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, renewed.Credential, nodeId);
        await agent.RegisterAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Any_token_without_the_nodes_current_credential_only_asks_an_admin_and_the_real_agent_keeps_working(bool tokenNeedsApproval)
    {
        var nodeId = Guid.NewGuid();
        var (_, token) = await _admin.CreateTokenAsync(maxUses: 5);
        var real = await Enrol(token, nodeId);
        var (_, otherToken) = await _admin.CreateTokenAsync(maxUses: 5, requiresApproval: tokenNeedsApproval);

        var hijack = await TestAgentConnection.EnrollAsync(_host.Address, otherToken, nodeId, "web-01", "vigil-agent-not-the-real-credential");

        Assert.True(hijack.Enrolled);
        Assert.Equal("Pending", hijack.State);
        await using (var agent = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, real.Credential, nodeId))
        {
            await agent.RegisterAsync();
        }

        var refusal = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var impostor = await TestAgentConnection.ConnectWithCredentialAsync(_host.Address, hijack.Credential, nodeId);
            await impostor.RegisterAsync();
        });
        Assert.Contains("waiting for approval", refusal.Message, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await _admin.ApproveAsync(hijack.AgentId!.Value));
        var replaced = await Assert.ThrowsAnyAsync<Exception>(() => TestAgentConnection.ConnectWithCredentialAsync(_host.Address, real.Credential, nodeId));
        Assert.Contains("401", replaced.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_and_agent_administration_needs_an_admin()
    {
        using var anonymous = _host.CreateAnonymousClient();
        using var viewerless = _host.CreateHttpClient("no-such-key-0123456789");

        using var tokens = await anonymous.GetAsync(new Uri("/api/v1/enrollment-tokens", UriKind.Relative), TestContext.Current.CancellationToken);
        using var create = await anonymous.PostAsJsonAsync("/api/v1/enrollment-tokens", new { name = "x" }, TestContext.Current.CancellationToken);
        using var agents = await anonymous.GetAsync(new Uri("/api/v1/agents", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, tokens.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, agents.StatusCode);
        using var withWrongKey = await viewerless.GetAsync(new Uri("/api/v1/agents", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongKey.StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"t\",\"maxUses\":0}", "maxUses")]
    [InlineData("{\"name\":\"t\",\"expiresIn\":\"soon\"}", "expiresIn")]
    [InlineData("{\"name\":\"t\",\"expiresAt\":\"2000-01-01T00:00:00Z\"}", "expiresAt")]
    public async Task A_bad_token_request_is_refused_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _admin.Http.PostAsync(new Uri("/api/v1/enrollment-tokens", UriKind.Relative), content, TestContext.Current.CancellationToken);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Token_lists_are_paged_and_never_show_secrets()
    {
        var (_, token) = await _admin.CreateTokenAsync();
        await _admin.CreateTokenAsync();

        using var response = await _admin.Http.GetAsync(new Uri("/api/v1/enrollment-tokens?pageSize=1", UriKind.Relative), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var page = JsonDocument.Parse(text).RootElement;

        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(2, page.GetProperty("totalCount").GetInt32());
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        await Problems.AssertNamesFieldAsync(_admin.Http, "/api/v1/enrollment-tokens?pageSize=0", "pageSize");
        await Problems.AssertNamesFieldAsync(_admin.Http, "/api/v1/agents?state=Sleeping", "state");
    }

    [Fact]
    public async Task Enrolment_is_audited_as_the_agent_and_never_records_the_secrets()
    {
        var nodeId = Guid.NewGuid();
        var (_, token) = await _admin.CreateTokenAsync();

        var enrolled = await Enrol(token, nodeId);

        await using var db = await _host.OpenDatabaseAsync();
        var entries = await db.AuditLog.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        var entry = Assert.Single(entries, e => e.Action == "EnrollAgent");
        Assert.Equal($"agent:{nodeId}", entry.Actor);
        Assert.Equal("Succeeded", entry.Outcome);
        Assert.Contains(enrolled.AgentId!.Value.ToString(), entry.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => $"{e.Detail}{e.Target}".Contains(token, StringComparison.Ordinal)
            || $"{e.Detail}{e.Target}".Contains(enrolled.Credential!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enrolment_is_rate_limited_per_address()
    {
        using var database = TestDatabase.Sqlite();
        await using var limited = await ControlPlaneHost.StartAsync(database, new Dictionary<string, string?> { ["RateLimits:EnrollmentPerMinute"] = "2" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await TestAgentConnection.EnrollAsync(limited.Address, ControlPlaneHost.EnrollmentToken, Guid.NewGuid(), "web")).Status);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    private Task<TestEnrolment> Enrol(string token, Guid? nodeId = null) =>
        TestAgentConnection.EnrollAsync(_host.Address, token, nodeId ?? Guid.NewGuid(), "web-01");
}
