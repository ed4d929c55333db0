using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>The control plane as a real process on a free loopback port, with SQLite in a temporary folder.</summary>
public sealed class RunningControlPlane : IAsyncDisposable
{
    public const string EnrollmentToken = "e2e-enrollment-token-0123456789";

    /// <summary>The Admin API key the control plane is started with (<c>Security:InitialAdminApiKey</c>).</summary>
    public const string AdminApiKey = "e2e-admin-api-key-0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>The first admin's password (<c>Security:InitialAdminPassword</c>); the user is <c>admin</c>.</summary>
    public const string AdminPassword = "e2e-admin-password-0123456789";
    private readonly string _dataDirectory;
    private readonly List<ProductProcess> _agents = [];

    private readonly bool _configuredAdminPassword;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private RunningControlPlane(ProductProcess process, Uri url, string dataDirectory, bool configuredAdminPassword, NetworkNamespace? inside, IReadOnlyDictionary<string, string?> settings)
    {
        Process = process;
        Url = url;
        _dataDirectory = dataDirectory;
        _configuredAdminPassword = configuredAdminPassword;
        Namespace = inside;
        _settings = settings;
    }

    public string DataDirectory => _dataDirectory;

    public ProductProcess Process { get; private set; }

    public Uri Url { get; }

    /// <summary>The network namespace the control plane runs in; null: the test's own, on loopback.</summary>
    public NetworkNamespace? Namespace { get; }

    /// <param name="configuredAdminPassword">False: the first admin gets a one-time password, printed once.</param>
    /// <param name="inside">A network namespace to run in, listening on its address there; null: on loopback.</param>
    /// <param name="settings">More environment variables for the control plane (configuration keys with <c>__</c>).</param>
    /// <param name="standingBy">Started as another instance's standby: not waited for, it serves nothing until it takes over.</param>
    public static async Task<RunningControlPlane> StartAsync(
        bool configuredAdminPassword = true, NetworkNamespace? inside = null, IReadOnlyDictionary<string, string?>? settings = null, bool standingBy = false)
    {
        var url = new Uri(inside is null ? $"http://127.0.0.1:{RepositoryLayout.FreePort()}" : $"http://{inside.Address}:5080");
        var data = RepositoryLayout.NewTemporaryDirectory("e2e-controlplane");
        settings ??= new Dictionary<string, string?>();
        var running = new RunningControlPlane(Launch(url, data, configuredAdminPassword, inside, settings), url, data, configuredAdminPassword, inside, settings);
        if (!standingBy)
        {
            await running.WaitUntilReadyAsync();
        }

        return running;
    }

    /// <summary>Kills the control plane (as a crash would) and starts it again on the same address and data.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAgainAsync();
    }

    /// <summary>Stops the control plane on purpose (SIGTERM, as systemd would) and returns what it printed; agents lose it until <see cref="StartAgainAsync"/>.</summary>
    public async Task<string> StopGracefullyAsync()
    {
        int exitCode;
        try
        {
            exitCode = await Process.StopGracefullyAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the control plane did not stop within 30 s of SIGTERM:{Environment.NewLine}{Process.Output[Math.Max(0, Process.Output.Length - 8000)..]}");
            throw;
        }

        var output = Process.Output;
        Assert.True(exitCode == 0, $"the control plane exited with {exitCode}:{Environment.NewLine}{output}");
        await Process.DisposeAsync();
        return output;
    }

    /// <summary>Kills the control plane, as a crash would; agents lose it until <see cref="StartAgainAsync"/>.</summary>
    public async Task KillAsync()
    {
        await Process.KillAsync();
        await Process.DisposeAsync();
    }

    /// <param name="standingBy">As another instance's standby: not waited for.</param>
    public async Task StartAgainAsync(bool standingBy = false)
    {
        Process = Launch(Url, _dataDirectory, _configuredAdminPassword, Namespace, _settings);
        if (!standingBy)
        {
            await WaitUntilReadyAsync();
        }
    }

    private static ProductProcess Launch(Uri url, string dataDirectory, bool configuredAdminPassword, NetworkNamespace? inside, IReadOnlyDictionary<string, string?> settings) =>
        ProductProcess.Start("control-plane", RepositoryLayout.ControlPlaneDll, new Dictionary<string, string?>(settings)
        {
            ["ASPNETCORE_URLS"] = url.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DataDirectory"] = dataDirectory,
            ["Agents__EnrollmentToken"] = EnrollmentToken,
            ["Security__InitialAdminApiKey"] = AdminApiKey,
            ["Security__InitialAdminPassword"] = configuredAdminPassword ? AdminPassword : null,
            ["RateLimits__ApiPerMinute"] = "1000000",
            ["RateLimits__EnrollmentPerMinute"] = "1000000",
            ["RateLimits__LoginPerMinute"] = "1000000",
        },
        inside?.Launcher ?? [],
        []);

    /// <summary>A client of the REST API with the Admin API key.</summary>
    public HttpClient CreateHttpClient(TimeSpan? timeout = null) => AdminClient(Url, timeout, Namespace);

    /// <summary>A client of the control plane at <paramref name="url"/> (inside <paramref name="inside"/> when set) with the Admin API key the tests start it with.</summary>
    public static HttpClient AdminClient(Uri url, TimeSpan? timeout = null, NetworkNamespace? inside = null)
    {
        var client = new HttpClient(NetworkNamespace.HttpHandler(inside)) { BaseAddress = url, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Add("X-API-Key", AdminApiKey);
        return client;
    }

    /// <summary>Waits until <c>/readyz</c> answers success; fails at once if the process exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient(NetworkNamespace.HttpHandler(Namespace)) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.HoldsAsync(
            async () =>
            {
                if (Process.HasExited)
                {
                    throw new InvalidOperationException($"The control plane exited with {Process.ExitCode}:{Environment.NewLine}{Process.Output}");
                }

                try
                {
                    return (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            },
            "the control plane is ready",
            timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts an agent process (inside <paramref name="inside"/> when set); the same <paramref name="dataDirectory"/> means the same node.</summary>
    public ProductProcess StartAgent(
        string nodeName, string dataDirectory, string token = EnrollmentToken, string heartbeatInterval = "00:00:01", string? configFile = null, Uri? controlPlaneUrl = null, string? roleEndpoint = null,
        NetworkNamespace? inside = null, Uri? nextControlPlaneUrl = null)
    {
        var agent = ProductProcess.Start($"agent {nodeName}", RepositoryLayout.Agent, new Dictionary<string, string?>
        {
            ["Agent__ControlPlaneUrls__0"] = nextControlPlaneUrl?.ToString(),
            ["Agent__RoleEndpoint"] = roleEndpoint,
            ["VIGIL_AGENT_CONFIG"] = configFile,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Agent__ControlPlaneUrl"] = (controlPlaneUrl ?? Url).ToString(),
            ["Agent__EnrollmentToken"] = token,
            ["Agent__NodeName"] = nodeName,
            ["Agent__DataDirectory"] = dataDirectory,
            ["Agent__HeartbeatInterval"] = heartbeatInterval,
        },
        inside?.Launcher ?? [],
        []);
        _agents.Add(agent);
        return agent;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await Process.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temporary folders.
        }
    }
}
