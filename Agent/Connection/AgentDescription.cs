using System.Reflection;
using System.Runtime.InteropServices;
using Vigil.Agent.Configuration;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;

namespace Vigil.Agent.Connection;

/// <summary>What the agent says about itself when it registers.</summary>
internal static class AgentDescription
{
    public static string Version { get; } =
        typeof(AgentDescription).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Tells this run of the agent from any other process that registers with the same node id (a cloned machine).</summary>
    public static Guid InstanceId { get; } = Guid.NewGuid();

    public static AgentRegistration Registration(Guid nodeId, AgentOptions options, IReadOnlyList<InstalledService>? installedServices = null) => new()
    {
        ProtocolVersion = ProtocolVersions.Current,
        NodeId = nodeId,
        NodeName = options.NodeName!,
        AgentVersion = Version,
        OperatingSystem = RuntimeInformation.OSDescription,
        ProcessorCount = Environment.ProcessorCount,
        HeartbeatIntervalMs = (int)options.HeartbeatInterval.TotalMilliseconds,
        Labels = options.Labels,
        InstanceId = InstanceId,
        RemoteExecution = options.RemoteExecution.ToPolicy(),
        InstalledServices = installedServices,
    };
}
