using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>A real PostgreSQL server that goes away while the control plane runs, and comes back.</summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        _database = TestDatabase.PostgreSql(await _server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _database.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Agents_are_served_while_the_database_is_away_and_nothing_is_lost_when_it_returns()
    {
        await using var host = await ControlPlaneHost.StartAsync(_database);
        using var http = host.CreateHttpClient();
        var api = new NodesApiClient(http);
        await using var steady = await TestAgentConnection.ConnectAsync(host.Address, ControlPlaneHost.EnrollmentToken);
        await steady.RegisterAsync();
        await Eventually.HoldsAsync(async () => await host.StoredNodeAsync(steady.NodeId) is not null, "the first node is stored");
        var dyingId = Guid.NewGuid();
        await (await TestAgentConnection.ConnectAsync(host.Address, ControlPlaneHost.EnrollmentToken, dyingId)).DisposeAsync(); // enrolled while the database is up
        // The API key is checked once while the database is up; during the outage its last check stands.
        Assert.NotNull(await api.FindAsync(steady.NodeId));

        await _server.StopAsync(TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () => (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable, "readiness reports the outage");

        // A credential this instance has not checked before cannot be checked now: 503 (connect again later or
        // elsewhere, keep the credential), neither a refusal nor a server error.
        using (var neverChecked = new HttpRequestMessage(HttpMethod.Post, new Uri("/hubs/agent/negotiate?negotiateVersion=1", UriKind.Relative)))
        {
            neverChecked.Headers.Authorization = new("Bearer", "never-checked-credential-0123456789");
            using var agentClient = host.CreateAnonymousClient();
            using var unavailable = await agentClient.SendAsync(neverChecked, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            Assert.Equal("1", unavailable.Headers.RetryAfter?.ToString());
        }

        // While the database is away: a new node registers, heartbeats are acknowledged, and a node dies.
        var dying = await TestAgentConnection.ConnectAsync(host.Address, ControlPlaneHost.EnrollmentToken, dyingId);
        await dying.RegisterAsync(dying.Registration(intervalMs: 200));
        Assert.Equal(1, (await steady.HeartbeatAsync()).Sequence);
        await dying.DisposeAsync();
        await Eventually.HoldsAsync(() => api.HasLivenessAsync(dying.NodeId, NodeLiveness.Lost), "the dead node is Lost, live");
        await Eventually.HoldsAsync(() => host.Logs.Contains(LogLevel.Warning, "Cannot write node state"), "the outage is logged");

        // Refused changes are audited while the database is away, and written in order when it is back.
        using var anonymous = host.CreateAnonymousClient();
        foreach (var path in new[] { "/api/v1/groups", "/api/v1/commands" })
        {
            using var refused = await anonymous.PostAsync(new Uri(path, UriKind.Relative), new StringContent("{}"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await Eventually.HoldsAsync(() => host.Logs.Contains(LogLevel.Warning, "Cannot write to the audit log now"), "the audit outage is logged");

        await _server.StartAgainAsync(TestContext.Current.CancellationToken);

        await Eventually.HoldsAsync(async () => (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode, "readiness recovers", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () => await host.StoredNodeAsync(dying.NodeId) is { Liveness: NodeLiveness.Lost }, "the node registered during the outage is stored as Lost", TimeSpan.FromSeconds(60));
        Assert.Equal([NodeLiveness.Suspect, NodeLiveness.Lost], await host.StoredLivenessHistoryAsync(dying.NodeId));
        Assert.True(host.Logs.Contains(LogLevel.Information, "Database writable again"));
        await Eventually.HoldsAsync(() => host.Logs.Contains(LogLevel.Information, "audit entries kept while the database was away"), "the kept audit entries are written", TimeSpan.FromSeconds(60));
        var audit = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/audit?actor=anonymous", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(
            ["/api/v1/commands", "/api/v1/groups"],
            audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("target").GetString()));
        Assert.All(audit.GetProperty("items").EnumerateArray(), e => Assert.Equal("Denied", e.GetProperty("outcome").GetString()));
    }
}
