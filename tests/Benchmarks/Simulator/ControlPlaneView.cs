using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.Benchmarks.Simulator;

/// <summary>What the control plane itself says, through its REST API.</summary>
public static class ControlPlaneView
{
    /// <summary>The Admin API key the benchmark scripts start the control plane with (<c>BENCH_API_KEY</c>).</summary>
    public static string ApiKey => Environment.GetEnvironmentVariable("BENCH_API_KEY") ?? "bench-admin-api-key-0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>How many nodes the first of the control planes that answers counts as Alive, or null when none does.</summary>
    public static async Task<long?> CountAliveAsync(IReadOnlyList<Uri> controlPlanes, CancellationToken cancellationToken)
    {
        foreach (var controlPlane in controlPlanes)
        {
            if (await CountAliveAsync(controlPlane, cancellationToken) is { } alive)
            {
                return alive;
            }
        }

        return null;
    }

    /// <summary>How many nodes the control plane counts as Alive, or null when it does not answer.</summary>
    public static async Task<long?> CountAliveAsync(Uri controlPlane, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = controlPlane, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-API-Key", ApiKey);
        try
        {
            var page = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/nodes?liveness=Alive&pageSize=1", UriKind.Relative), cancellationToken);
            return page.GetProperty("totalCount").GetInt64();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
