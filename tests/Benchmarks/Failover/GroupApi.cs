using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.Benchmarks.Failover;

/// <summary>The parts of the control plane's REST API the benchmark uses: nodes, one group, its history and switchovers.</summary>
public sealed class GroupApi(Uri controlPlane) : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new() { BaseAddress = controlPlane, Timeout = TimeSpan.FromSeconds(10), DefaultRequestHeaders = { { "X-API-Key", BenchmarkCluster.AdminApiKey } } };

    /// <summary>The id the control plane gave the node with this name, or null while it has not registered.</summary>
    public async Task<Guid?> NodeIdAsync(string name, CancellationToken cancellationToken)
    {
        var page = await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes?name={Uri.EscapeDataString(name)}", UriKind.Relative), cancellationToken);
        return page.GetProperty("items").EnumerateArray()
            .Where(n => n.GetProperty("name").GetString() == name)
            .Select(n => (Guid?)n.GetProperty("id").GetGuid())
            .FirstOrDefault();
    }

    /// <summary>
    /// Creates a group over the <c>web</c> service of the given nodes (the first preferred) with the
    /// given policy. A 503 (the control plane could not write it: "nothing was changed") is retried
    /// for up to 30 s, and said on the console.
    /// </summary>
    public async Task<Guid> CreateGroupAsync(string name, IReadOnlyList<Guid> nodeIds, object policy, TimeProvider time, CancellationToken cancellationToken)
    {
        var members = nodeIds.Select((id, i) => new { nodeId = id, service = "web", priority = i + 1 }).ToList();
        Guid? created = null;
        string? refusal = null;
        await Waiting.UntilAsync(
            async token =>
            {
                using var response = await _http.PostAsJsonAsync(new Uri("/api/v1/groups", UriKind.Relative), new { name, members, policy }, token);
                var body = await response.Content.ReadAsStringAsync(token);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    refusal = body;
                    await Console.Out.WriteLineAsync($"The control plane could not create the group now, trying again: {body}");
                    return false;
                }

                created = response.IsSuccessStatusCode
                    ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid()
                    : throw new InvalidOperationException($"The control plane refused the group ({(int)response.StatusCode}): {body}");
                return true;
            },
            () => $"the control plane creates the group (last refusal: {refusal})",
            TimeSpan.FromSeconds(30),
            time,
            cancellationToken);
        return created!.Value;
    }

    public async Task<GroupState> GroupAsync(Guid groupId, CancellationToken cancellationToken) =>
        await _http.GetFromJsonAsync<GroupState>(new Uri($"/api/v1/groups/{groupId}", UriKind.Relative), Web, cancellationToken)
        ?? throw new InvalidOperationException($"The control plane returned no group {groupId}.");

    /// <summary>The newest entries of the group's history, newest first.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var page = await _http.GetFromJsonAsync<HistoryPage>(new Uri($"/api/v1/groups/{groupId}/history", UriKind.Relative), Web, cancellationToken);
        return page?.Items ?? [];
    }

    /// <summary>Asks for a switchover to the best standby; throws unless the control plane accepts it.</summary>
    public async Task SwitchoverAsync(Guid groupId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri($"/api/v1/groups/{groupId}/switchover", UriKind.Relative), new { }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"The control plane refused the switchover ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed record HistoryPage(IReadOnlyList<HistoryEntry> Items);
}

/// <summary>A group as <c>GET /api/v1/groups/{id}</c> returns it, as far as the benchmark reads it.</summary>
public sealed record GroupState(string? ActiveNodeName, JsonElement? Transition, string? Status, bool Halted, IReadOnlyList<MemberState> Members)
{
    public bool InTransition => Transition is { ValueKind: not JsonValueKind.Null };
}

public sealed record MemberState(Guid NodeId, string NodeName, bool Active, bool Reachable, string? Health, bool Eligible);

/// <summary>One entry of a group's failover history.</summary>
public sealed record HistoryEntry(
    long Id,
    string Kind,
    Guid? FromNodeId,
    Guid ToNodeId,
    string Reason,
    DateTimeOffset DetectedAt,
    DateTimeOffset DecidedAt,
    DateTimeOffset? ConfirmedAt,
    long? RtoMs,
    string Outcome,
    bool Overlap);
