using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;
using static Vigil.ControlPlane.Tests.Metrics.Samples;

namespace Vigil.ControlPlane.Tests.Metrics;

/// <summary>A real PostgreSQL server that goes away while minutes complete, and comes back.</summary>
public sealed class MetricsOutageTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(Eight.AddSeconds(5));
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
    public async Task Minutes_completed_while_the_database_is_away_are_kept_and_written_when_it_returns()
    {
        await using var host = await ControlPlaneHost.StartAsync(_database, MetricsHost.Settings, services => services.AddSingleton<TimeProvider>(_clock));
        using var http = host.CreateHttpClient();
        var metrics = new MetricsClient(host, http);
        await using var agent = await TestAgentConnection.ConnectAsync(host.Address, ControlPlaneHost.EnrollmentToken);
        await agent.RegisterAsync();
        await agent.HeartbeatAsync(agent.NextHeartbeat(10));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.HoldsAsync(async () => (await metrics.StoredAsync(agent.NodeId, MetricResolution.Minute)).Length == 1, "the first minute is stored");

        await _server.StopAsync(TestContext.Current.CancellationToken);
        for (var minute = 1; minute <= 3; minute++)
        {
            await agent.HeartbeatAsync(agent.NextHeartbeat(10 * (minute + 1)));
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        await Eventually.HoldsAsync(() => host.Logs.Contains(LogLevel.Warning, "Cannot write node metrics"), "the outage is logged");
        using (var during = await http.GetAsync(new Uri($"/api/v1/nodes/{agent.NodeId}/metrics", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        }

        await _server.StartAgainAsync(TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(
            async () =>
            {
                _clock.Advance(TimeSpan.FromSeconds(5));
                return (await metrics.StoredAsync(agent.NodeId, MetricResolution.Minute)).Length == 4;
            },
            "the minutes kept during the outage are stored",
            TimeSpan.FromSeconds(60));

        var stored = await metrics.StoredAsync(agent.NodeId, MetricResolution.Minute);
        Assert.Equal([10d, 20d, 30d, 40d], stored.Select(r => r.CpuAverage));
        Assert.Equal([Eight, Eight.AddMinutes(1), Eight.AddMinutes(2), Eight.AddMinutes(3)], stored.Select(r => r.BucketStart));
        Assert.Single(host.Logs.Entries, e => e.Message.StartsWith("Cannot write node metrics", StringComparison.Ordinal));
        Assert.True(host.Logs.Contains(LogLevel.Information, "pending node metrics written"));
    }
}
