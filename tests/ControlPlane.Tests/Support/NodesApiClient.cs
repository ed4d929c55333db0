using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>Reads nodes through the public REST API, as an operator's script would.</summary>
public sealed class NodesApiClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<NodeResponse?> FindAsync(Guid nodeId)
    {
        using var response = await http.GetAsync(new Uri($"/api/v1/nodes/{nodeId}", UriKind.Relative));
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<NodeResponse>(Json) : null;
    }

    public async Task<PagedResult<NodeResponse>> ListAsync(string query = "") =>
        (await http.GetFromJsonAsync<PagedResult<NodeResponse>>(new Uri($"/api/v1/nodes{query}", UriKind.Relative), Json))!;

    public async Task<bool> HasLivenessAsync(Guid nodeId, NodeLiveness liveness) => (await FindAsync(nodeId))?.Liveness == liveness;
}
