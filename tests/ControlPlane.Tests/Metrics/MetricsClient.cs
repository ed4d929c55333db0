using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Metrics;
using Vigil.ControlPlane.Tests.Support;

namespace Vigil.ControlPlane.Tests.Metrics;

/// <summary>Reads a node's metric history through the REST API, and its stored rollups.</summary>
internal sealed class MetricsClient(ControlPlaneHost host, HttpClient http)
{
    public async Task<NodeMetricsResponse> GetAsync(Guid nodeId, string? range = null)
    {
        var query = range is null ? "" : $"?range={range}";
        return (await http.GetFromJsonAsync<NodeMetricsResponse>(
            new Uri($"/api/v1/nodes/{nodeId}/metrics{query}", UriKind.Relative), NodesApiClient.Json, TestContext.Current.CancellationToken))!;
    }

    public async Task<NodeMetricRollup[]> StoredAsync(Guid nodeId, MetricResolution resolution)
    {
        await using var db = await host.OpenDatabaseAsync();
        var rows = await db.NodeMetricRollups.AsNoTracking()
            .Where(r => r.NodeId == nodeId && r.Resolution == resolution)
            .ToListAsync(TestContext.Current.CancellationToken);
        return [.. rows.OrderBy(r => r.BucketStart)];
    }
}
