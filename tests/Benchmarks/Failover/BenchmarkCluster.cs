using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.Benchmarks.Failover;

/// <summary>
/// A real control plane (Release, SQLite) on a free loopback port and real agents, each supervising
/// the test service as <c>web</c> on a port of its own with an HTTP probe, all in one temporary
/// folder. Every process's command line names that folder, so whatever is left of them at the end
/// (a service outliving its agent) is found and ended by it.
/// </summary>
public sealed class BenchmarkCluster : IAsyncDisposable
{
    public const string EnrollmentToken = "bench-enrollment-token-0123456789";
    public const string AdminApiKey = "bench-admin-api-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly List<BenchmarkNode> _nodes = [];
    private readonly List<ProductProcess> _started = [];
    private readonly TimeProvider _time;
    private readonly string _heartbeatInterval;

    private BenchmarkCluster(string folder, Uri url, ProductProcess controlPlane, TimeProvider time, string heartbeatInterval)
    {
        _heartbeatInterval = heartbeatInterval;
        Folder = folder;
        Url = url;
        ControlPlane = controlPlane;
        Api = new GroupApi(url);
        _time = time;
    }

    public string Folder { get; }

    public Uri Url { get; }

    public ProductProcess ControlPlane { get; }

    public GroupApi Api { get; }

    public IReadOnlyList<BenchmarkNode> Nodes => _nodes;

    /// <summary>Starts the control plane and <paramref name="nodes"/> agents, and waits until every node has registered.</summary>
    public static async Task<BenchmarkCluster> StartAsync(int nodes, BenchmarkService service, BenchmarkProfile profile, TimeProvider time, CancellationToken cancellationToken)
    {
        var folder = RepositoryLayout.NewTemporaryDirectory("bench-failover");
        var url = new Uri($"http://127.0.0.1:{RepositoryLayout.FreePort()}");
        var data = Directory.CreateDirectory(Path.Combine(folder, "controlplane")).FullName;
        var controlPlane = ProductProcess.Start("control-plane", RepositoryLayout.ControlPlaneDll, new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = url.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Agents__EnrollmentToken"] = EnrollmentToken,
            ["Security__InitialAdminApiKey"] = AdminApiKey,
            ["Failover__Profile"] = profile.ToString(),
        }, "--DataDirectory", data);
        var cluster = new BenchmarkCluster(folder, url, controlPlane, time, HeartbeatIntervalOf(profile));
        cluster._started.Add(controlPlane);
        try
        {
            await cluster.WaitUntilReadyAsync(cancellationToken);
            for (var i = 1; i <= nodes; i++)
            {
                var node = new BenchmarkNode($"node{i}", Directory.CreateDirectory(Path.Combine(folder, $"node{i}")).FullName, RepositoryLayout.FreePort());
                WriteAgentConfig(node, service);
                cluster._nodes.Add(node);
                cluster.StartAgent(node);
            }

            foreach (var node in cluster._nodes)
            {
                Guid? id = null;
                await Waiting.UntilAsync(
                    async token => (id = await cluster.Api.NodeIdAsync(node.Name, token)) is not null, () => $"{node.Name} registered", TimeSpan.FromSeconds(60), time, cancellationToken);
                node.Id = id!.Value;
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Starts the node's agent with its own data folder and agent.json: the same node each time.</summary>
    public void StartAgent(BenchmarkNode node)
    {
        node.Agent = ProductProcess.Start($"agent {node.Name}", RepositoryLayout.Agent, new Dictionary<string, string?>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Agent__ControlPlaneUrl"] = Url.ToString(),
            ["Agent__EnrollmentToken"] = EnrollmentToken,
            ["Agent__NodeName"] = node.Name,
            ["Agent__DataDirectory"] = node.AgentData,
            ["Agent__HeartbeatInterval"] = _heartbeatInterval,
        }, "--config", node.ConfigFile);
        _started.Add(node.Agent);
    }

    /// <summary>The agents' <c>Agent:HeartbeatInterval</c> for the control plane's profile.</summary>
    private static string HeartbeatIntervalOf(BenchmarkProfile profile) => profile == BenchmarkProfile.Fast ? "00:00:00.500" : "00:00:01";

    /// <summary>Starts again the agent of every node whose agent is not running (killed by a trial).</summary>
    public void RestartKilledAgents()
    {
        foreach (var node in _nodes.Where(n => !n.AgentRunning))
        {
            StartAgent(node);
        }
    }

    /// <summary>The last lines each product process wrote, for a failure message.</summary>
    public string RecentOutput(int lines)
    {
        var processes = _nodes.Select(n => n.Agent).OfType<ProductProcess>().Prepend(ControlPlane);
        return string.Join(Environment.NewLine, processes.Select(p => string.Join(Environment.NewLine, p.Output.Split(Environment.NewLine).TakeLast(lines))));
    }

    /// <summary>Writes what every process started wrote (its last 2000 lines), one file each, into <paramref name="folder"/>.</summary>
    public async Task SaveOutputAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < _started.Count; i++)
        {
            var process = _started[i];
            await File.WriteAllTextAsync(Path.Combine(folder, $"{i + 1:00}-{process.Name.Replace(' ', '-')}.log"), process.Output, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            await process.DisposeAsync();
        }

        StrayProcesses.KillMentioning(Folder);
        Api.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Could not delete {Folder}: {exception.Message}");
        }
    }

    /// <summary>The node's agent.json: the chosen service as <c>web</c> on the node's port, with an HTTP probe, as the end-to-end tests have it.</summary>
    private static void WriteAgentConfig(BenchmarkNode node, BenchmarkService service)
    {
        var web = service == BenchmarkService.Fast ? FastService(node.Port) : TestServiceProgram.ProcessService("web", node.Port, node.StateFile);
        web["Probes"] = new[] { new { Kind = "http", Url = $"http://127.0.0.1:{node.Port}/health", Interval = "00:00:01", Timeout = "00:00:01" } };
        File.WriteAllText(node.ConfigFile, JsonSerializer.Serialize(new { Agent = new { Services = new[] { web } } }, Indented));
    }

    /// <summary>
    /// <c>fast-service.py</c> as <c>web</c>: Debian's own python3 (a version manager's shim on the PATH
    /// would add its own start-up), without site packages, so it listens about 50 ms after its start.
    /// </summary>
    private static Dictionary<string, object?> FastService(int port) => new()
    {
        ["Name"] = "web",
        ["Kind"] = "process",
        ["Executable"] = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3",
        ["Arguments"] = (string[])["-S", Path.Combine(RepositoryLayout.Root, "tests", "Benchmarks", "Failover", "fast-service.py"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["StopTimeout"] = "00:00:05",
    };

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        await Waiting.UntilAsync(IsReadyAsync, () => "the control plane is ready", TimeSpan.FromSeconds(60), _time, cancellationToken);

        async Task<bool> IsReadyAsync(CancellationToken token)
        {
            if (ControlPlane.HasExited)
            {
                throw new InvalidOperationException($"The control plane exited with {ControlPlane.ExitCode}:{Environment.NewLine}{RecentOutput(40)}");
            }

            using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), token);
            return response.IsSuccessStatusCode;
        }
    }
}
