using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>Reads a node's liveness over the public REST API, as an operator's script would.</summary>
public sealed class NodesApi(Uri controlPlane) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = controlPlane, Timeout = TimeSpan.FromSeconds(5) };

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

    public void Dispose() => _http.Dispose();
}
