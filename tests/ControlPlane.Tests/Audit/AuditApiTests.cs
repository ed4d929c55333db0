using System.Net;
using System.Text.Json;
using Vigil.ControlPlane.Data.Audit;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Security;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Audit;

/// <summary><c>/api/v1/audit</c> and its CSV export on the real control plane, over entries stored with known times.</summary>
public sealed class AuditApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private AdministrationClient _api = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _api = new AdministrationClient(_host.CreateHttpClient());
        await using var db = await _host.OpenDatabaseAsync();
        db.AuditLog.AddRange(
            Entry(0, "alice", "CreateUser", "/api/v1/users", "Succeeded", "user bob, role Viewer"),
            Entry(1, "alice", "ChangeUserRole", "/api/v1/users/42/role", "Failed", "HTTP 409: The last admin cannot be demoted."),
            Entry(2, "key:ci", "CreateCommand", "/api/v1/commands", "Succeeded", "created /api/v1/commands/7"),
            Entry(3, "=HYPERLINK(\"http://evil\",\"x\")", "login", "account/alice", "Denied", "wrong password, \"twice\""),
            Entry(4, "bob", "DeleteUser", "/api/v1/users/43", "Succeeded", null));
        await db.SaveChangesAsync(Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        _api.Http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Theory]
    [InlineData("?to=2026-11-21T00:00:00Z", new[] { 4, 3, 2, 1, 0 })]
    [InlineData("?actor=alice", new[] { 1, 0 })]
    [InlineData("?action=CreateCommand", new[] { 2 })]
    [InlineData("?target=users/4", new[] { 4, 1 })]
    [InlineData("?outcome=denied", new[] { 3 })]
    [InlineData("?from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z", new[] { 2, 1 })]
    [InlineData("?from=2026-11-20T10:00:00&to=2026-11-21T00:00:00Z", new[] { 4, 3, 2 })]
    [InlineData("?actor=alice&outcome=Succeeded", new[] { 0 })]
    [InlineData("?to=2026-11-21T00:00:00Z&pageSize=2&page=2", new[] { 2, 1 })]
    public async Task Entries_are_listed_newest_first_filtered_and_paged(string query, int[] hours)
    {
        var page = await _api.ListAuditAsync(query);

        Assert.Equal(hours.Select(h => Start.AddHours(h)), page.Items.Select(e => e.GetProperty("at").GetDateTimeOffset()));
    }

    [Fact]
    public async Task A_page_tells_the_total()
    {
        var page = await _api.ListAuditAsync("?actor=alice&pageSize=1");

        Assert.Equal((2, 1), (page.TotalCount, page.Items.Count));
        Assert.Equal(
            ("alice", "ChangeUserRole", "/api/v1/users/42/role", "Failed", "10.0.0.1"),
            (page.Items[0].GetProperty("actor").GetString(), page.Items[0].GetProperty("action").GetString(), page.Items[0].GetProperty("target").GetString(),
             page.Items[0].GetProperty("outcome").GetString(), page.Items[0].GetProperty("sourceAddress").GetString()));
    }

    [Theory]
    [InlineData("?outcome=Maybe", "outcome")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=soon", "to")]
    [InlineData("?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", "to")]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=0", "pageSize")]
    public async Task Every_invalid_filter_is_named_in_the_list_and_the_export(string query, string field)
    {
        using var list = await _api.GetAsync($"/api/v1/audit{query}");
        await AdministrationClient.AssertNamesFieldAsync(list, field);

        if (field is not ("page" or "pageSize"))
        {
            using var export = await _api.GetAsync($"/api/v1/audit.csv{query}");
            await AdministrationClient.AssertNamesFieldAsync(export, field);
        }
    }

    [Fact]
    public async Task The_export_is_CSV_with_the_same_filters_quoted_and_defused()
    {
        using var response = await _api.GetAsync("/api/v1/audit.csv?from=2026-11-20T09:00:00Z&to=2026-11-20T12:00:00Z&target=/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.StartsWith("vigil-audit-", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Equal(
            "at,actor,action,target,sourceAddress,outcome,detail\r\n"
            + "2026-11-20T11:00:00.000Z,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",login,account/alice,10.0.0.1,Denied,\"wrong password, \"\"twice\"\"\"\r\n"
            + "2026-11-20T10:00:00.000Z,key:ci,CreateCommand,/api/v1/commands,10.0.0.1,Succeeded,created /api/v1/commands/7\r\n"
            + "2026-11-20T09:00:00.000Z,alice,ChangeUserRole,/api/v1/users/42/role,10.0.0.1,Failed,HTTP 409: The last admin cannot be demoted.\r\n",
            await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Operators_read_the_audit_log_and_viewers_do_not()
    {
        var operatorKey = await _api.CreateKeyAsync("auditor", "Operator");
        var viewerKey = await _api.CreateKeyAsync("watcher", "Viewer");
        using var asOperator = AdministrationClient.WithKey(_host, operatorKey.Key);
        using var asViewer = AdministrationClient.WithKey(_host, viewerKey.Key);

        using var operatorList = await asOperator.GetAsync(new Uri("/api/v1/audit", UriKind.Relative), Cancellation);
        using var operatorExport = await asOperator.GetAsync(new Uri("/api/v1/audit.csv", UriKind.Relative), Cancellation);
        using var viewerList = await asViewer.GetAsync(new Uri("/api/v1/audit", UriKind.Relative), Cancellation);
        using var viewerExport = await asViewer.GetAsync(new Uri("/api/v1/audit.csv", UriKind.Relative), Cancellation);

        Assert.Equal(
            (HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
            (operatorList.StatusCode, operatorExport.StatusCode, viewerList.StatusCode, viewerExport.StatusCode));
    }

    private static AuditEntry Entry(int hour, string actor, string action, string target, string outcome, string? detail) => new()
    {
        At = Start.AddHours(hour),
        Actor = actor,
        Action = action,
        Target = target,
        SourceAddress = "10.0.0.1",
        Outcome = outcome,
        Detail = detail,
    };
}
