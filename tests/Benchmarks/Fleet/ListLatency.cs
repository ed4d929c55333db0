using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vigil.Benchmarks.Simulator;

namespace Vigil.Benchmarks.Fleet;

/// <summary>
/// Times the REST list endpoints of a control plane running on a generated fleet database: each
/// case is requested <c>--requests</c> times one after the other (after 3 unmeasured requests), with
/// the benchmark's Admin API key, and reported as p50, p99 and max.
/// </summary>
public static class ListLatency
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var options = FleetSettings.Options(args);
        var url = new Uri(options.GetValueOrDefault("--url") ?? throw new ArgumentException("--url is required."));
        var requests = FleetSettings.Number(options, "--requests", 200);
        var only = options.GetValueOrDefault("--only");
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-API-Key", ControlPlaneView.ApiKey);

        var node = await FirstIdAsync(http, "/api/v1/nodes?pageSize=1", cancellationToken);
        var group = await FirstIdAsync(http, "/api/v1/groups", cancellationToken);
        var day = DateTimeOffset.UtcNow.AddDays(-3);
        var (from, to) = (Iso(day), Iso(day.AddHours(1)));
        string[] cases =
        [
            "/api/v1/events",
            "/api/v1/events?page=200",
            $"/api/v1/events?node={node}",
            $"/api/v1/events?from={from}&to={to}",
            "/api/v1/events?service=web&kind=ServiceExited",
            "/api/v1/nodes",
            "/api/v1/nodes?page=100",
            "/api/v1/services",
            $"/api/v1/services?node={node}",
            "/api/v1/audit",
            "/api/v1/audit?page=200",
            "/api/v1/audit?actor=alice",
            $"/api/v1/audit?from={from}&to={to}",
            "/api/v1/audit?target=node-00042",
            "/api/v1/alerts",
            "/api/v1/alerts?page=100",
            "/api/v1/alerts?state=Resolved",
            "/api/v1/commands",
            "/api/v1/commands?page=100",
            $"/api/v1/commands?node={node}",
            $"/api/v1/groups/{group}/history",
        ];

        Console.WriteLine($"{requests} sequential requests per case against {url}");
        Console.WriteLine("request | total | p50 ms | p99 ms | max ms");
        foreach (var path in cases.Where(c => only is null || c.Contains(only, StringComparison.Ordinal)))
        {
            var latencies = new List<double>(requests);
            long? total = null;
            for (var i = 0; i < requests + 3; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var took = clock.Elapsed.TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body}");
                }

                if (i >= 3)
                {
                    latencies.Add(took);
                }

                total ??= JsonDocument.Parse(body).RootElement.TryGetProperty("totalCount", out var t) ? t.GetInt64() : null;
            }

            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Shorter(path, node, group)} | {total:N0} | {latencies[latencies.Count / 2]:0.0} | {latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1]:0.0} | {latencies[^1]:0.0}"));
        }

        return 0;
    }

    private static async Task<string> FirstIdAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var body = await http.GetStringAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var root = JsonDocument.Parse(body).RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("items");
        return items[0].GetProperty("id").GetString() ?? throw new InvalidOperationException($"GET {path}: the first item has no id.");
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:00:00Z", CultureInfo.InvariantCulture));

    private static string Shorter(string path, string node, string group) => path.Replace(node, "NODE", StringComparison.Ordinal).Replace(group, "GROUP", StringComparison.Ordinal);
}
