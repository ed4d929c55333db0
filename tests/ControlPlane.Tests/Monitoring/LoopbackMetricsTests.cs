using System.Net;
using Vigil.ControlPlane.Monitoring;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Monitoring;

public sealed class LoopbackMetricsTests
{
    [Fact]
    public async Task A_scraper_on_this_machine_needs_no_key_when_Metrics_Prometheus_AnonymousFromLoopback_is_set()
    {
        using var database = TestDatabase.Sqlite();
        await using var host = await ControlPlaneHost.StartAsync(database, new Dictionary<string, string?> { ["Metrics:Prometheus:AnonymousFromLoopback"] = "true" });
        using var anonymous = host.CreateAnonymousClient();

        using var response = await anonymous.GetAsync(new Uri(PrometheusSetup.Path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("vigil_nodes", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_endpoint_is_served_when_Metrics_Prometheus_Enabled_is_false()
    {
        using var database = TestDatabase.Sqlite();
        await using var host = await ControlPlaneHost.StartAsync(database, new Dictionary<string, string?> { ["Metrics:Prometheus:Enabled"] = "false" });
        using var admin = host.CreateHttpClient();

        using var response = await admin.GetAsync(new Uri(PrometheusSetup.Path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.DoesNotContain("vigil_nodes", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
