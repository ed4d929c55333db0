using System.Net.Http.Json;
using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// A control plane and several real agent processes, each reaching it through a link a test can cut
/// (its own <see cref="TcpRelay"/> on loopback, or, in an <see cref="IsolatedNetwork"/>, its own
/// network namespace's port on the bridge of the control plane's namespace) and each supervising the
/// test service as <c>web</c> on a port of its own. A watcher probes every member's port all along
/// (from inside the member's namespace) and remembers who answered when, and any moment when more
/// than one answered. The control plane is one instance on SQLite, or two on PostgreSQL and Redis, the
/// second standing by (<see cref="StartOnTwoInstancesAsync"/>).
/// </summary>
public sealed class FailoverCluster : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly List<(DateTimeOffset At, IReadOnlyList<ClusterNode> Answering)> _changes = [];
    private HttpClient _http;
    private Task _watching = Task.CompletedTask;

    private FailoverCluster(IReadOnlyList<RunningControlPlane> instances)
    {
        Instances = instances;
        ControlPlane = instances[0];
        Folder = RepositoryLayout.NewTemporaryDirectory("e2e-failover");
        _http = ControlPlane.CreateHttpClient(TimeSpan.FromSeconds(10));
    }

    /// <summary>The control plane that decides and serves the API; with two instances, the one <see cref="ServedByAsync"/> named last.</summary>
    public RunningControlPlane ControlPlane { get; private set; }

    /// <summary>Every control-plane instance: one, or the deciding one and its relaying standby.</summary>
    public IReadOnlyList<RunningControlPlane> Instances { get; }

    public string Folder { get; }

    public List<ClusterNode> Nodes { get; } = [];

    /// <summary>Moments at which more than one member's service answered, with which.</summary>
    public List<string> Overlaps { get; } = [];

    /// <summary>Each change of the set of members that answer, from the group's creation on, in order.</summary>
    public IReadOnlyList<(DateTimeOffset At, IReadOnlyList<ClusterNode> Answering)> Changes
    {
        get
        {
            lock (_changes)
            {
                return [.. _changes];
            }
        }
    }

    /// <param name="network">Each member in a namespace of its own and the control plane in the hub; null: all on loopback.</param>
    /// <param name="twoAddresses">Each agent knows two addresses of the control plane: its own relay first, then its <see cref="ClusterNode.Link"/>.</param>
    public static async Task<FailoverCluster> StartAsync(int nodes, bool withHooksAndRoleEndpoints = false, IsolatedNetwork? network = null, bool twoAddresses = false)
    {
        var cluster = new FailoverCluster([await RunningControlPlane.StartAsync(inside: network?.Hub)]);
        await cluster.AddNodesAsync(nodes, withHooksAndRoleEndpoints, network, twoAddresses);
        return cluster;
    }

    /// <summary>
    /// Two control-plane instances on <paramref name="shared"/>, the first deciding, the second standing by and
    /// relaying; each agent knows both: the deciding one's address first (its <see cref="ClusterNode.FirstAddress"/>),
    /// then the standby's (its <see cref="ClusterNode.Link"/>).
    /// </summary>
    public static async Task<FailoverCluster> StartOnTwoInstancesAsync(int nodes, SharedDatabaseAndRedis shared, IReadOnlyDictionary<string, string?> settings)
    {
        var (deciding, relaying) = await shared.StartInstancesAsync(settings);
        var cluster = new FailoverCluster([deciding, relaying]);
        await cluster.AddNodesAsync(nodes, withHooksAndRoleEndpoints: false, network: null, twoAddresses: true);
        return cluster;
    }

    /// <summary>Waits until <paramref name="instance"/> serves (it took the decider lease over), and asks it from then on.</summary>
    public async Task ServedByAsync(RunningControlPlane instance, TimeSpan timeout)
    {
        await instance.WaitUntilReadyAsync(timeout);
        var previous = _http;
        ControlPlane = instance;
        _http = instance.CreateHttpClient(TimeSpan.FromSeconds(10));
        previous.Dispose();
    }

    private async Task AddNodesAsync(int nodes, bool withHooksAndRoleEndpoints, IsolatedNetwork? network, bool twoAddresses)
    {
        for (var i = 1; i <= nodes; i++)
        {
            var inside = network?.AddMember();
            var link = inside is null ? new TcpRelay(Instances[^1].Url.Port) : network!.Link(inside, ControlPlane.Url);
            var node = new ClusterNode($"node{i}", Path.Combine(Folder, $"node{i}"), RepositoryLayout.FreePort(), link, inside)
            {
                FirstAddress = twoAddresses ? new TcpRelay(ControlPlane.Url.Port) : null,
            };
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
            Nodes.Add(node);
            StartAgent(node);
        }

        foreach (var node in Nodes)
        {
            await Eventually.HoldsAsync(async () => (node.Id = await NodeIdAsync(node.Name)) is not null, $"{node.Name} registered", TimeSpan.FromSeconds(60));
        }

        // Every member reports its service healthy before a group exists, so the first election sees them all and picks node1, the preferred.
        foreach (var node in Nodes)
        {
            await Eventually.HoldsAsync(() => ReportsHealthyAsync(node), $"{node.Name} reports web healthy", TimeSpan.FromSeconds(60));
        }
    }

    public void StartAgent(ClusterNode node) => node.Agent = ControlPlane.StartAgent(
        node.Name, node.AgentData, configFile: Path.Combine(node.Folder, "agent.json"), controlPlaneUrl: node.FirstAddress?.Url ?? node.Link.Url, roleEndpoint: node.RoleEndpoint?.ToString(), inside: node.Namespace,
        nextControlPlaneUrl: node.FirstAddress is null ? null : node.Link.Url);

    /// <summary>Creates the group over every node's <c>web</c> (node1 preferred) and waits until one member runs it.</summary>
    public async Task<Guid> CreateGroupAsync(object? policy = null)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("/api/v1/groups", UriKind.Relative), GroupBody(policy));
        var id = JsonDocument.Parse(await SucceededAsync(response)).RootElement.GetProperty("id").GetGuid();
        await Eventually.HoldsAsync(async () => (await ActiveNodeAsync(id)) is not null && Answering().Count == 1, "the group has an active member that answers", TimeSpan.FromSeconds(60));
        _watching = WatchAsync(_stopWatching.Token);
        return id;
    }

    /// <summary>Replaces the group's policy (<c>PUT</c> with the same members), as an operator editing it would.</summary>
    public async Task UpdateGroupAsync(Guid groupId, object policy)
    {
        using var response = await _http.PutAsJsonAsync(new Uri($"/api/v1/groups/{groupId}", UriKind.Relative), GroupBody(policy));
        await SucceededAsync(response);
    }

    /// <summary>The active member reports the group's current terms: an edit of the policy is in force there.</summary>
    public async Task<bool> ActiveHoldsCurrentTermsAsync(Guid groupId)
    {
        var group = await GroupAsync(groupId);
        var terms = group.GetProperty("termsVersion").GetInt64();
        return group.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("active").GetBoolean()
            && m.GetProperty("reportedTermsVersion") is { ValueKind: JsonValueKind.Number } reported && reported.GetInt64() == terms);
    }

    public async Task<JsonElement> GroupAsync(Guid groupId) => await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/groups/{groupId}", UriKind.Relative));

    /// <summary>The control plane sees <paramref name="node"/>, a member of the group, as reachable.</summary>
    public async Task<JsonElement> NodeAsync(ClusterNode node) => await _http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{node.Id}", UriKind.Relative));

    public async Task<bool> IsReachableAsync(Guid groupId, ClusterNode node) =>
        (await GroupAsync(groupId)).GetProperty("members").EnumerateArray().First(m => m.GetProperty("nodeId").GetGuid() == node.Id).GetProperty("reachable").GetBoolean();

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

    /// <summary>When, after <paramref name="since"/>, the first member answered that matches <paramref name="which"/>; null: none yet.</summary>
    public DateTimeOffset? FirstAnswering(DateTimeOffset since, Func<ClusterNode, bool> which) =>
        Changes.Where(c => c.At >= since && c.Answering.Any(which)).Select(c => (DateTimeOffset?)c.At).FirstOrDefault();

    /// <summary>When, after <paramref name="since"/>, <paramref name="node"/> was first seen not answering; null: it still answers.</summary>
    public DateTimeOffset? FirstSilent(DateTimeOffset since, ClusterNode node) =>
        Changes.Where(c => c.At >= since && !c.Answering.Contains(node)).Select(c => (DateTimeOffset?)c.At).FirstOrDefault();

    /// <summary>What a failed assertion about <paramref name="node"/> since <paramref name="since"/> needs to be understood: the changes seen, its service's state file and its agent's last output.</summary>
    public string Describe(DateTimeOffset since, ClusterNode node)
    {
        var changes = Changes.Where(c => c.At + TimeSpan.FromSeconds(1) >= since)
            .Select(c => $"{c.At:HH:mm:ss.fff} answering: {(c.Answering.Count == 0 ? "none" : string.Join(", ", c.Answering))}");
        var states = TestServiceProgram.ReadState(node.StateFile).Select(s => $"{s.At:HH:mm:ss.fff} {s.What} {s.ProcessId}");
        var output = node.Agent?.Output ?? "";
        return $"Since {since:HH:mm:ss.fff}, for {node}:{Environment.NewLine}{string.Join(Environment.NewLine, changes)}{Environment.NewLine}"
            + $"Its service:{Environment.NewLine}{string.Join(Environment.NewLine, states)}{Environment.NewLine}"
            + $"Its agent's last output:{Environment.NewLine}{output[Math.Max(0, output.Length - 6000)..]}";
    }

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        await _watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var node in Nodes)
        {
            await node.Link.DisposeAsync();
            if (node.FirstAddress is { } first)
            {
                await first.DisposeAsync();
            }
        }

        StrayProcesses.KillMentioning(Folder);
        _http.Dispose();
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }

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
            var now = DateTimeOffset.UtcNow;
            lock (_changes)
            {
                if (_changes.Count == 0 || !_changes[^1].Answering.SequenceEqual(answering))
                {
                    _changes.Add((now, answering));
                }
            }

            if (answering.Count > 1)
            {
                Overlaps.Add($"{now:HH:mm:ss.fff}: {string.Join(", ", answering.Select(n => n.Name))}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private object GroupBody(object? policy) => new
    {
        name = "web",
        members = Nodes.Select((n, i) => new { nodeId = n.Id, service = "web", priority = i + 1 }).ToList(),
        policy,
        rtoObjectiveSeconds = 5,
    };

    private async Task<string> SucceededAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{body}{Environment.NewLine}{ControlPlane.Process.Output[Math.Max(0, ControlPlane.Process.Output.Length - 12000)..]}");
        return body;
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

/// <summary>One member node: its agent, its link to the control plane, its namespace if any, its service's port and state file.</summary>
public sealed class ClusterNode(string name, string folder, int port, INetworkLink link, NetworkNamespace? inside = null)
{
    public string Name { get; } = name;

    public string Folder { get; } = folder;

    public int Port { get; } = port;

    public INetworkLink Link { get; } = link;

    /// <summary>When the agent knows two addresses: the first, in front of the same control plane (or of the deciding instance of two); <see cref="Link"/> is the second.</summary>
    public TcpRelay? FirstAddress { get; init; }

    /// <summary>The network namespace the agent and its service run in; null: the test's own.</summary>
    public NetworkNamespace? Namespace { get; } = inside;

    public Guid? Id { get; set; }

    public ProductProcess? Agent { get; set; }

    public string AgentData => Path.Combine(Folder, "agent");

    public string StateFile => Path.Combine(Folder, "web.state");

    /// <summary>Where the activation hooks write "role group epoch service" lines.</summary>
    public string HookLog => Path.Combine(Folder, "hooks.log");

    /// <summary>The agent's role endpoint for load balancers, when the cluster has them.</summary>
    public Uri? RoleEndpoint { get; set; }

    /// <summary>The service answers on its port (a connection is accepted) right now, asked from inside its namespace.</summary>
    public bool Answers() => NetworkNamespace.Answers(Namespace, Port);

    public override string ToString() => Name;
}
