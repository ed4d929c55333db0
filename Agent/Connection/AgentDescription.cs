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

    public static AgentRegistration Registration(Guid nodeId, AgentOptions options) => new()
    {
        ProtocolVersion = ProtocolVersions.Current,
        NodeId = nodeId,
        NodeName = options.NodeName!,
        AgentVersion = Version,
        OperatingSystem = RuntimeInformation.OSDescription,
        ProcessorCount = Environment.ProcessorCount,
        HeartbeatIntervalMs = (int)options.HeartbeatInterval.TotalMilliseconds,
        Labels = options.Labels,
        RemoteExecution = options.RemoteExecution.ToPolicy(),
    };
}
