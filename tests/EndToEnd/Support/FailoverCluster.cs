using System.Net.Http.Json;
using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// A control plane and several real agent processes, each reaching it through its own
/// <see cref="TcpRelay"/> (so a test can cut one off) and each supervising the test service as
/// <c>web</c> on a port of its own. A watcher probes every member's port all along and remembers
/// any moment when more than one answered.
/// </summary>
public sealed class FailoverCluster : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopWatching = new();
    private Task _watching = Task.CompletedTask;

    private FailoverCluster(RunningControlPlane controlPlane, string folder)
    {
        ControlPlane = controlPlane;
        Folder = folder;
        _http = controlPlane.CreateHttpClient(TimeSpan.FromSeconds(10));
    }

    public RunningControlPlane ControlPlane { get; }

    public string Folder { get; }

    public List<ClusterNode> Nodes { get; } = [];

    /// <summary>Moments at which more than one member's service answered, with which.</summary>
    public List<string> Overlaps { get; } = [];

    public static async Task<FailoverCluster> StartAsync(int nodes, bool withHooksAndRoleEndpoints = false)
    {
        var cluster = new FailoverCluster(await RunningControlPlane.StartAsync(), RepositoryLayout.NewTemporaryDirectory("e2e-failover"));
        for (var i = 1; i <= nodes; i++)
        {
            var node = new ClusterNode($"node{i}", Path.Combine(cluster.Folder, $"node{i}"), RepositoryLayout.FreePort(), new TcpRelay(cluster.ControlPlane.Url.Port));
            Directory.CreateDirectory(node.Folder);
            var web = TestServiceProgram.ProcessService("web", node.Port, node.StateFile);
            web["Probes"] = new[] { new { Kind = "http", Url = $"http://127.0.0.1:{node.Port}/health", Interval = "00:00:01", Timeout = "00:00:01" } };
            if (withHooksAndRoleEndpoints)
            {
                const string Record = "echo \"$VIGIL_ROLE $VIGIL_GROUP $VIGIL_EPOCH $VIGIL_SERVICE\" >> \"$0\"";
                web["Hooks"] = new { OnActivate = new[] { "/bin/sh", "-c", Record, node.HookLog }, OnDeactivate = new[] { "/bin/sh", "-c", Record, node.HookLog } };
                node.RoleEndpoint = new Uri($"http://127.0.0.1:{RepositoryLayout.FreePort()}/");
            }

            AgentConfigFile.Write(node.Folder, web);
            cluster.Nodes.Add(node);
            cluster.StartAgent(node);
        }

        foreach (var node in cluster.Nodes)
        {
            await Eventually.HoldsAsync(async () => (node.Id = await cluster.NodeIdAsync(node.Name)) is not null, $"{node.Name} registered", TimeSpan.FromSeconds(60));
        }

        // Every member reports its service healthy before a group exists, so the first election sees them all and picks node1, the preferred.
        foreach (var node in cluster.Nodes)
        {
            await Eventually.HoldsAsync(() => cluster.ReportsHealthyAsync(node), $"{node.Name} reports web healthy", TimeSpan.FromSeconds(60));
        }

        return cluster;
    }

    public void StartAgent(ClusterNode node) => node.Agent = ControlPlane.StartAgent(
        node.Name, node.AgentData, configFile: Path.Combine(node.Folder, "agent.json"), controlPlaneUrl: node.Relay.Url, roleEndpoint: node.RoleEndpoint?.ToString());

    /// <summary>Creates the group over every node's <c>web</c> (node1 preferred) and waits until one member runs it.</summary>
    public async Task<Guid> CreateGroupAsync(object? policy = null)
    {
        var members = Nodes.Select((n, i) => new { nodeId = n.Id, service = "web", priority = i + 1 }).ToList();
        using var response = await _http.PostAsJsonAsync(new Uri("/api/v1/groups", UriKind.Relative), new { name = "web", members, policy, rtoObjectiveSeconds = 5 });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{body}{Environment.NewLine}{ControlPlane.Process.Output[Math.Max(0, ControlPlane.Process.Output.Length - 12000)..]}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        await Eventually.HoldsAsync(async () => (await ActiveNodeAsync(id)) is not null && Answering().Count == 1, "the group has an active member that answers", TimeSpan.FromSeconds(60));
        _watching = WatchAsync(_stopWatching.Token);
        return id;
    }

    public async Task<JsonElement> GroupAsync(Guid groupId) => await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/groups/{groupId}", UriKind.Relative));

    public async Task<ClusterNode?> ActiveNodeAsync(Guid groupId)
    {
        var group = await GroupAsync(groupId);
        var active = group.GetProperty("activeNodeName").GetString();
        return group.GetProperty("transition").ValueKind == JsonValueKind.Null ? Nodes.FirstOrDefault(n => n.Name == active) : null;
    }

    public async Task<IReadOnlyList<JsonElement>> HistoryAsync(Guid groupId) =>
        [.. (await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/groups/{groupId}/history", UriKind.Relative))).GetProperty("items").EnumerateArray()];

    public async Task<HttpResponseMessage> PostAsync(string path, object body) => await _http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);

    /// <summary>Waits until exactly one member other than <paramref name="not"/> answers, and returns it.</summary>
    public async Task<ClusterNode> WaitForServiceOnAnotherNodeAsync(ClusterNode not, TimeSpan timeout)
    {
        ClusterNode? now = null;
        await Eventually.HoldsAsync(() => (now = Answering().SingleOrDefault(n => n != not)) is not null, $"a member other than {not.Name} runs the service", timeout);
        return now!;
    }

    /// <summary>The members whose service answers on its port right now.</summary>
    public List<ClusterNode> Answering() => [.. Nodes.Where(n => n.Answers())];

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        await _watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var node in Nodes)
        {
            await node.Relay.DisposeAsync();
        }

        StrayProcesses.KillMentioning(Folder);
        _http.Dispose();
        await ControlPlane.DisposeAsync();
        StrayProcesses.KillMentioning(Folder);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temporary folders.
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var answering = Answering();
            if (answering.Count > 1)
            {
                Overlaps.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff}: {string.Join(", ", answering.Select(n => n.Name))}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task<bool> ReportsHealthyAsync(ClusterNode node)
    {
        var services = await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/services?node={node.Id}&name=web&health=Healthy", UriKind.Relative));
        return services.GetProperty("totalCount").GetInt32() == 1;
    }

    private async Task<Guid?> NodeIdAsync(string name)
    {
        var nodes = await _http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/nodes", UriKind.Relative));
        return nodes.GetProperty("items").EnumerateArray().Where(n => n.GetProperty("name").GetString() == name).Select(n => (Guid?)n.GetProperty("id").GetGuid()).FirstOrDefault();
    }
}

/// <summary>One member node: its agent, its relay to the control plane, its service's port and state file.</summary>
public sealed class ClusterNode(string name, string folder, int port, TcpRelay relay)
{
    public string Name { get; } = name;

    public string Folder { get; } = folder;

    public int Port { get; } = port;

    public TcpRelay Relay { get; } = relay;

    public Guid? Id { get; set; }

    public ProductProcess? Agent { get; set; }

    public string AgentData => Path.Combine(Folder, "agent");

    public string StateFile => Path.Combine(Folder, "web.state");

    /// <summary>Where the activation hooks write "role group epoch service" lines.</summary>
    public string HookLog => Path.Combine(Folder, "hooks.log");

    /// <summary>The agent's role endpoint for load balancers, when the cluster has them.</summary>
    public Uri? RoleEndpoint { get; set; }

    /// <summary>The service answers on its port (a connection is accepted) right now.</summary>
    public bool Answers()
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            return client.ConnectAsync(System.Net.IPAddress.Loopback, Port).Wait(TimeSpan.FromMilliseconds(200));
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    public override string ToString() => Name;
}
