using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>Reads a node's liveness over the public REST API, as an operator's script would.</summary>
public sealed class NodesApi(Uri controlPlane) : IDisposable
{
    private readonly HttpClient _http = RunningControlPlane.AdminClient(controlPlane, TimeSpan.FromSeconds(5));

    /// <summary>The liveness of the node with this name, or null when there is none (or no answer).</summary>
    public async Task<string?> LivenessOfAsync(string nodeName)
    {
        try
        {
            var page = await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes?name={Uri.EscapeDataString(nodeName)}", UriKind.Relative));
            return page.GetProperty("items").EnumerateArray()
                .Where(n => n.GetProperty("name").GetString() == nodeName)
                .Select(n => n.GetProperty("liveness").GetString())
                .FirstOrDefault();
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The named service's report on the named node, or null.</summary>
    public async Task<JsonElement?> ServiceAsync(string nodeName, string service)
    {
        var node = await NodeAsync(nodeName);
        if (node is not { } found)
        {
            return null;
        }

        foreach (var report in found.GetProperty("services").EnumerateArray())
        {
            if (report.GetProperty("name").GetString() == service)
            {
                return report;
            }
        }

        return null;
    }

    public async Task<string?> HealthOfAsync(string nodeName, string service) =>
        (await ServiceAsync(nodeName, service))?.GetProperty("health").GetString();

    public async Task<JsonElement?> NodeAsync(string nodeName)
    {
        try
        {
            var page = await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes?name={Uri.EscapeDataString(nodeName)}", UriKind.Relative));
            return page.GetProperty("items").EnumerateArray().Where(n => n.GetProperty("name").GetString() == nodeName).Cast<JsonElement?>().FirstOrDefault();
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Every stored event of the node, oldest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> EventsAsync(string nodeName)
    {
        var node = await NodeAsync(nodeName) ?? throw new InvalidOperationException($"No node named {nodeName}.");
        var id = node.GetProperty("id").GetString();
        var page = await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/events?node={id}&pageSize=500", UriKind.Relative));
        return [.. page.GetProperty("items").EnumerateArray().Reverse()];
    }

    /// <summary>The node's <c>installed-services</c> answer: whether its agent listed them, and the list.</summary>
    public async Task<JsonElement> InstalledServicesAsync(string nodeName)
    {
        var node = await NodeAsync(nodeName) ?? throw new InvalidOperationException($"No node named {nodeName}.");
        return await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{node.GetProperty("id").GetString()}/installed-services", UriKind.Relative));
    }

    public void Dispose() => _http.Dispose();
}
