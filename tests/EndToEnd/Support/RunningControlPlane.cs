using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>The control plane as a real process on a free loopback port, with SQLite in a temporary folder.</summary>
public sealed class RunningControlPlane : IAsyncDisposable
{
    public const string EnrollmentToken = "e2e-enrollment-token-0123456789";
    private readonly string _dataDirectory;
    private readonly List<ProductProcess> _agents = [];

    private RunningControlPlane(ProductProcess process, Uri url, string dataDirectory)
    {
        Process = process;
        Url = url;
        _dataDirectory = dataDirectory;
    }

    public ProductProcess Process { get; private set; }

    public Uri Url { get; }

    public static async Task<RunningControlPlane> StartAsync()
    {
        var url = new Uri($"http://127.0.0.1:{RepositoryLayout.FreePort()}");
        var data = RepositoryLayout.NewTemporaryDirectory("e2e-controlplane");
        var running = new RunningControlPlane(Launch(url, data), url, data);
        await running.WaitUntilReadyAsync();
        return running;
    }

    /// <summary>Kills the control plane (as a crash would) and starts it again on the same address and data.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAgainAsync();
    }

    /// <summary>Kills the control plane, as a crash would; agents lose it until <see cref="StartAgainAsync"/>.</summary>
    public async Task KillAsync()
    {
        await Process.KillAsync();
        await Process.DisposeAsync();
    }

    public async Task StartAgainAsync()
    {
        Process = Launch(Url, _dataDirectory);
        await WaitUntilReadyAsync();
    }

    private static ProductProcess Launch(Uri url, string dataDirectory) =>
        ProductProcess.Start("control-plane", RepositoryLayout.ControlPlaneDll, new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = url.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DataDirectory"] = dataDirectory,
            ["Agents__EnrollmentToken"] = EnrollmentToken,
        });

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
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
            TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts an agent process; the same <paramref name="dataDirectory"/> means the same node.</summary>
    public ProductProcess StartAgent(
        string nodeName, string dataDirectory, string token = EnrollmentToken, string heartbeatInterval = "00:00:01", string? configFile = null, Uri? controlPlaneUrl = null, string? roleEndpoint = null)
    {
        var agent = ProductProcess.Start($"agent {nodeName}", RepositoryLayout.AgentDll, new Dictionary<string, string?>
        {
            ["Agent__RoleEndpoint"] = roleEndpoint,
            ["VIGIL_AGENT_CONFIG"] = configFile,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Agent__ControlPlaneUrl"] = (controlPlaneUrl ?? Url).ToString(),
            ["Agent__EnrollmentToken"] = token,
            ["Agent__NodeName"] = nodeName,
            ["Agent__DataDirectory"] = dataDirectory,
            ["Agent__HeartbeatInterval"] = heartbeatInterval,
        });
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
