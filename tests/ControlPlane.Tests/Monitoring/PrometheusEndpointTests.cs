using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Monitoring;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Monitoring;

/// <summary><c>/metrics</c> of the real control plane, with an agent connected over the real hub.</summary>
public sealed partial class PrometheusEndpointTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _viewer = null!;
    private TestAgentConnection _agent = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _viewer = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Viewer));
        _agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
        await _agent.RegisterAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        _viewer.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_connected_node_is_counted_alive_and_its_heartbeats_are_timed()
    {
        await _agent.HeartbeatAsync();
        await _agent.HeartbeatAsync();

        var scrape = await ScrapeAsync();

        Assert.Equal(1, scrape.Value("vigil_nodes", ("liveness", "alive")));
        Assert.Equal(0, scrape.Value("vigil_nodes", ("liveness", "lost")));
        Assert.Equal(1, scrape.Value("vigil_hub_connections"));
        Assert.Equal(2, scrape.Value("vigil_heartbeat_duration_seconds_count"));
        Assert.Equal(0, scrape.Value("vigil_failover_groups", ("state", "halted")));
        Assert.Equal(0, scrape.Value("vigil_services", ("health", "healthy")));
    }

    [Fact]
    public async Task Ended_transitions_are_counted_and_completed_ones_give_their_recovery_time()
    {
        var metrics = _host.Get<VigilMetrics>();
        metrics.TransitionEnded(Transition(TransitionOutcome.Completed, rtoMs: 2_500));
        metrics.TransitionEnded(Transition(TransitionOutcome.Failed, rtoMs: null));

        var scrape = await ScrapeAsync();

        Assert.Equal(1, scrape.Value("vigil_failover_transitions_total", ("kind", "failover"), ("outcome", "completed")));
        Assert.Equal(1, scrape.Value("vigil_failover_transitions_total", ("kind", "failover"), ("outcome", "failed")));
        Assert.Equal(1, scrape.Value("vigil_failover_recovery_time_seconds_count", ("kind", "failover")));
        Assert.Equal(2.5, scrape.Value("vigil_failover_recovery_time_seconds_sum", ("kind", "failover")));
        Assert.Equal(1, scrape.Value("vigil_failover_recovery_time_seconds_bucket", ("kind", "failover"), ("le", "3")));
        Assert.Equal(0, scrape.Value("vigil_failover_recovery_time_seconds_bucket", ("kind", "failover"), ("le", "2")));
    }

    [Fact]
    public async Task Every_expression_of_the_grafana_dashboard_names_a_metric_the_endpoint_exports()
    {
        var metrics = _host.Get<VigilMetrics>();
        metrics.TransitionEnded(Transition(TransitionOutcome.Completed, rtoMs: 1_000));
        metrics.DeliveryAttempted(AlertChannelKind.Webhook, "sent");
        await _agent.HeartbeatAsync();
        var exported = (await ScrapeAsync()).Samples.Select(s => s.Name).ToHashSet();

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(
            Path.Combine(RepositoryLayout.Root, "deploy", "grafana", "vigil-dashboard.json"), TestContext.Current.CancellationToken));
        var expressions = Expressions(dashboard.RootElement).ToList();

        Assert.NotEmpty(expressions);
        var named = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet();
        Assert.Empty(named.Where(name => !exported.Contains(name)).Order());
        Assert.DoesNotContain(expressions, e => !MetricName().IsMatch(e));
    }

    [Fact]
    public async Task Without_an_api_key_the_metrics_are_refused_even_from_this_machine()
    {
        using var anonymous = _host.CreateAnonymousClient();

        using var response = await anonymous.GetAsync(new Uri(PrometheusSetup.Path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await _viewer.GetAsync(new Uri(PrometheusSetup.Path, UriKind.Relative), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return PrometheusText.Parse(text);
    }

    private static FailoverRecord Transition(TransitionOutcome outcome, long? rtoMs) => new()
    {
        GroupId = Guid.NewGuid(),
        Kind = TransitionKind.Failover,
        ToNodeId = Guid.NewGuid(),
        Service = "web",
        Reason = "test",
        Outcome = outcome,
        RtoMs = rtoMs,
    };

    private static IEnumerable<string> Expressions(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name == "expr" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : Expressions(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Expressions),
        _ => [],
    };

    [GeneratedRegex("vigil_[a-z_]+")]
    private static partial Regex MetricName();
}
