using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>An agent that keeps connecting to the hub of the real control plane with a credential it does not know.</summary>
public sealed class AgentCredentialAuditTests : IAsyncLifetime
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
    public async Task Many_refusals_of_an_unknown_credential_are_audited_as_one_row_naming_the_cause()
    {
        using var http = _host.CreateAnonymousClient();
        for (var attempt = 0; attempt < 25; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{AgentHubEndpoint.Path}/negotiate?negotiateVersion=1", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-credential-of-any-agent");
            using var answer = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        await using var db = await _host.OpenDatabaseAsync();
        var rows = await db.AuditLog.Where(e => e.Action.StartsWith("agent.connect")).ToListAsync(TestContext.Current.CancellationToken);
        var row = Assert.Single(rows);
        Assert.Equal((AgentCredentialHandler.UnknownCredentialAction, "Denied", "unknown agent credential"), (row.Action, row.Outcome, row.Detail));
    }
}
