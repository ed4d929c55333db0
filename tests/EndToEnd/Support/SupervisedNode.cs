using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// A control plane, and one real agent process supervising real test services, all under one
/// temporary folder. Services are meant to outlive their agent, so disposal also ends every process
/// whose command line mentions the folder.
/// </summary>
public sealed class SupervisedNode : IAsyncDisposable
{
    private SupervisedNode(RunningControlPlane controlPlane, string folder, string nodeName)
    {
        ControlPlane = controlPlane;
        Folder = folder;
        NodeName = nodeName;
        Api = new NodesApi(controlPlane.Url);
    }

    public RunningControlPlane ControlPlane { get; }

    public string Folder { get; }

    public string NodeName { get; }

    public NodesApi Api { get; }

    public ProductProcess? Agent { get; private set; }

    /// <summary>The agent's own <c>RemoteExecution</c> setting, and what to do before its first start (e.g. plant a file in its data folder).</summary>
    public sealed record AgentSetup(object? RemoteExecution = null, Action<SupervisedNode>? BeforeStart = null);

    public string AgentData => Path.Combine(Folder, "agent");

    public string ConfigFile => Path.Combine(Folder, "agent.json");

    public static Task<SupervisedNode> StartAsync(string nodeName, params object[] services) => StartAsync(nodeName, new AgentSetup(), services);

    public static async Task<SupervisedNode> StartAsync(string nodeName, AgentSetup setup, params object[] services)
    {
        var controlPlane = await RunningControlPlane.StartAsync();
        var node = new SupervisedNode(controlPlane, RepositoryLayout.NewTemporaryDirectory($"e2e-{nodeName}"), nodeName);
        AgentConfigFile.WriteWithRemoteExecution(node.Folder, setup.RemoteExecution, services);
        setup.BeforeStart?.Invoke(node);
        node.StartAgent();
        return node;
    }

    public string StateFile(string service) => Path.Combine(Folder, $"{service}.state");

    public ProductProcess StartAgent() => Agent = ControlPlane.StartAgent(NodeName, AgentData, configFile: ConfigFile);

    public Task WaitForHealthAsync(string service, string health, TimeSpan? timeout = null) => Eventually.HoldsAsync(
        async () => await Api.HealthOfAsync(NodeName, service) == health,
        $"{service} is {health} (agent output: {Agent?.Output[Math.Max(0, (Agent?.Output.Length ?? 0) - 3000)..]})",
        timeout ?? TimeSpan.FromSeconds(60));

    public Task WaitForEventAsync(string kind, string? service = null, int count = 1, TimeSpan? timeout = null) => Eventually.HoldsAsync(
        async () => (await Api.EventsAsync(NodeName)).Count(e => Is(e, kind, service)) >= count,
        $"{count} {kind} event(s){(service is null ? "" : $" of {service}")} are stored",
        timeout ?? TimeSpan.FromSeconds(60));

    public static bool Is(JsonElement stored, string kind, string? service = null) =>
        stored.GetProperty("kind").GetString() == kind && (service is null || stored.GetProperty("service").GetString() == service);

    public async ValueTask DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        StrayProcesses.KillMentioning(Folder);
        Api.Dispose();
        await ControlPlane.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temporary folders.
        }
    }
}
