using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;
using static Vigil.ControlPlane.Tests.Metrics.Samples;

namespace Vigil.ControlPlane.Tests.Metrics;

/// <summary>The real control plane on a fake clock, fed by a real SignalR agent connection.</summary>
public sealed class MetricsApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private readonly FakeTimeProvider _clock = new(Eight.AddSeconds(5));
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private MetricsClient _metrics = null!;
    private TestAgentConnection _agent = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database, MetricsHost.Settings, services => services.AddSingleton<TimeProvider>(_clock));
        _http = _host.CreateHttpClient();
        _metrics = new MetricsClient(_host, _http);
        _agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
        await _agent.RegisterAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Heartbeats_are_served_as_the_open_minute_then_as_a_stored_minute_then_rolled_up_into_their_hour()
    {
        await HeartbeatsAsync(10, 20, 30);

        var first = await _metrics.GetAsync(_agent.NodeId);
        Assert.Equal(("1h", MetricResolution.Minute), (first.Range, first.Resolution));
        Assert.Empty(first.Points);
        Assert.Equal(Eight, first.Current!.Time);
        Assert.Equal((20d, 30d, 2 * GiB, 8 * GiB, 3), (first.Current.CpuAverage, first.Current.CpuMax, first.Current.MemoryUsedAverage, first.Current.MemoryTotal, first.Current.SampleCount));

        _clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.HoldsAsync(async () => (await _metrics.StoredAsync(_agent.NodeId, MetricResolution.Minute)).Length == 1, "the completed minute is stored");
        await HeartbeatsAsync(50);

        var second = await _metrics.GetAsync(_agent.NodeId, "1h");
        var minute = Assert.Single(second.Points);
        Assert.Equal((Eight, 20d, 30d, 3), (minute.Time, minute.CpuAverage, minute.CpuMax, minute.SampleCount));
        Assert.Equal(Eight.AddMinutes(1), second.Current!.Time);

        _clock.Advance(TimeSpan.FromMinutes(63));
        await Eventually.HoldsAsync(async () => (await _metrics.StoredAsync(_agent.NodeId, MetricResolution.Hour)).Length == 1, "the hour is rolled up");

        var hour = Assert.Single(await _metrics.StoredAsync(_agent.NodeId, MetricResolution.Hour));
        Assert.Equal((Eight, 27.5, 50d, 4), (hour.BucketStart, hour.CpuAverage, hour.CpuMax, hour.SampleCount));
        var week = await _metrics.GetAsync(_agent.NodeId, "7d");
        Assert.Equal(MetricResolution.Hour, week.Resolution);
        var point = Assert.Single(week.Points);
        Assert.Equal((Eight, 27.5, 50d), (point.Time, point.CpuAverage, point.CpuMax));
        Assert.Null(week.Current);
        var day = await _metrics.GetAsync(_agent.NodeId, "24h");
        Assert.Equal([Eight, Eight.AddMinutes(1)], day.Points.Select(p => p.Time));
    }

    [Fact]
    public async Task A_node_without_heartbeats_has_an_empty_history()
    {
        var history = await _metrics.GetAsync(_agent.NodeId, "30d");

        Assert.Empty(history.Points);
        Assert.Null(history.Current);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("0b3d4f6e-0000-4000-8000-000000000000")]
    public async Task An_unknown_node_is_a_404_problem(string id)
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/nodes/{id}/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains(id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2h")]
    [InlineData("")]
    [InlineData("1week")]
    public async Task A_range_not_offered_is_a_400_problem_naming_range(string range) =>
        await Problems.AssertNamesFieldAsync(_http, $"/api/v1/nodes/{_agent.NodeId}/metrics?range={range}", "range");

    private async Task HeartbeatsAsync(params double[] cpus)
    {
        foreach (var cpu in cpus)
        {
            await _agent.HeartbeatAsync(_agent.NextHeartbeat(cpu));
        }
    }
}

/// <summary>Settings of a control plane whose metrics are tested on a fake clock.</summary>
internal static class MetricsHost
{
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Metrics:FlushInterval"] = "00:00:01",
        ["Liveness:SweepInterval"] = "00:00:01",
    };
}
