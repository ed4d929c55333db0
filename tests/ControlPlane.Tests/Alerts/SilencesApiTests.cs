using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary><c>/api/v1/silences</c> of the real control plane.</summary>
public sealed class SilencesApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _admin = _host.CreateHttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task An_operator_creates_a_silence_under_the_keys_name_reads_it_back_and_expires_it_early_each_change_audited()
    {
        using var operatorClient = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Operator, name: "patcher"));
        var body = new { matchers = new[] { new { field = "node", value = "web-1" }, new { field = "Condition", value = "ServiceFailed" } }, expiresAt = DateTimeOffset.UtcNow.AddHours(4), comment = "patching web-1" };

        using var created = await operatorClient.PostAsJsonAsync(new Uri("/api/v1/silences", UriKind.Relative), body, TestContext.Current.CancellationToken);
        var silence = await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var id = silence.GetProperty("id").GetGuid();
        var read = await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/silences/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var expired = await operatorClient.DeleteAsync(new Uri($"/api/v1/silences/{id}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/silences/{id}", created.Headers.Location?.ToString());
        Assert.Equal(("key:patcher", "patching web-1", "Active"), (read.GetProperty("createdBy").GetString(), read.GetProperty("comment").GetString(), read.GetProperty("state").GetString()));
        Assert.Equal("Node", read.GetProperty("matchers")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NoContent, expired.StatusCode);
        Assert.Empty(await ListAsync(""));
        var withExpired = Assert.Single(await ListAsync("?expired=true"));
        Assert.Equal("Expired", withExpired.GetProperty("state").GetString());
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await _host.OpenDatabaseAsync();
                var actions = await db.AuditLog.Where(e => e.Actor == "key:patcher").Select(e => e.Action).ToListAsync();
                return actions.Contains("CreateSilence") && actions.Contains("ExpireSilence");
            },
            "both changes are audited");
    }

    [Theory]
    [InlineData("""{"matchers":[],"expiresAt":"2099-01-01T00:00:00Z","comment":"x"}""", "matchers")]
    [InlineData("""{"matchers":[{"field":"colour","value":"red"}],"expiresAt":"2099-01-01T00:00:00Z","comment":"x"}""", "matchers[0].field")]
    [InlineData("""{"matchers":[{"field":"node","value":"web-1"}],"expiresAt":"2020-01-01T00:00:00Z","comment":"x"}""", "expiresAt")]
    [InlineData("""{"matchers":[{"field":"node","value":"web-1"}],"expiresAt":"2099-01-01T00:00:00Z","comment":"x"}""", "expiresAt")]
    [InlineData("""{"matchers":[{"field":"node","value":"web-1"}],"expiresAt":"2099-01-01T00:00:00Z"}""", "comment")]
    public async Task An_invalid_silence_gets_a_problem_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await _admin.PostAsync(new Uri("/api/v1/silences", UriKind.Relative), content, TestContext.Current.CancellationToken);

        await CommandsAndGroupsClient.AssertNamesFieldAsync(response, field);
        Assert.Empty(await ListAsync("?expired=true"));
    }

    [Fact]
    public async Task A_viewer_may_read_but_not_silence_and_an_unknown_silence_is_404()
    {
        using var viewer = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Viewer));
        var body = new { matchers = new[] { new { field = "node", value = "web-1" } }, expiresAt = DateTimeOffset.UtcNow.AddHours(1), comment = "x" };

        using var refused = await viewer.PostAsJsonAsync(new Uri("/api/v1/silences", UriKind.Relative), body, TestContext.Current.CancellationToken);
        using var listed = await viewer.GetAsync(new Uri("/api/v1/silences", UriKind.Relative), TestContext.Current.CancellationToken);
        using var unknown = await _admin.GetAsync(new Uri($"/api/v1/silences/{Guid.NewGuid()}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var unknownExpired = await _admin.DeleteAsync(new Uri($"/api/v1/silences/{Guid.NewGuid()}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        await CommandsAndGroupsClient.ProblemAsync(unknown, HttpStatusCode.NotFound);
        await CommandsAndGroupsClient.ProblemAsync(unknownExpired, HttpStatusCode.NotFound);
        await Problems.AssertNamesFieldAsync(_admin, "/api/v1/silences?expired=maybe", "expired");
    }

    private async Task<JsonElement[]> ListAsync(string query) =>
        [.. (await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/silences{query}", UriKind.Relative), TestContext.Current.CancellationToken)).EnumerateArray()];
}
