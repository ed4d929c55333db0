using Vigil.TestSupport;

namespace Vigil.Benchmarks.Failover;

/// <summary>One node of the benchmark: its folder (agent data, agent.json, the service's state file), its agent and its service's port.</summary>
public sealed class BenchmarkNode(string name, string folder, int port)
{
    public string Name { get; } = name;

    public string Folder { get; } = folder;

    /// <summary>The loopback port the node's <c>web</c> service listens on while it runs there.</summary>
    public int Port { get; } = port;

    /// <summary>The control plane's id of the node, known once it registered.</summary>
    public Guid Id { get; set; }

    public ProductProcess? Agent { get; set; }

    public string AgentData => Path.Combine(Folder, "agent");

    public string ConfigFile => Path.Combine(Folder, "agent.json");

    public string StateFile => Path.Combine(Folder, "web.state");

    public bool AgentRunning => Agent is { HasExited: false };

    public override string ToString() => Name;
}
