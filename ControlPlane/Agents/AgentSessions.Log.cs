namespace Vigil.ControlPlane.Agents;

internal sealed partial class AgentSessions
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeName} ({NodeId}) registered, agent {AgentVersion} from {RemoteAddress}")]
    private partial void LogRegistered(string nodeName, Guid nodeId, string agentVersion, string remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Events of node {NodeId} not stored, the agent keeps them: {Reason}")]
    private partial void LogEventsNotStored(Guid nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outcome of command {CommandId} from node {NodeId} not stored: {Reason}")]
    private partial void LogOutcomeNotStored(Guid nodeId, Guid commandId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} says its agent is stopping: {Reason}")]
    private partial void LogStopping(Guid nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} disconnected: {Reason}")]
    private partial void LogDisconnected(Guid nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent from {RemoteAddress} refused: protocol version {ProtocolVersion}, supported {SupportedVersions}")]
    private partial void LogRefusedProtocol(string remoteAddress, int protocolVersion, string supportedVersions);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cloned node {NodeName} ({NodeId}): agent instance {RefusedInstance} from {RemoteAddress} refused while instance {LiveInstance} is connected. Give the copy its own identity: delete node-id and credential in its data folder and enrol it again")]
    private partial void LogCloneRefused(string nodeName, Guid nodeId, Guid refusedInstance, Guid liveInstance, string remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message from node {NodeId} at {RemoteAddress} refused: {Reason}")]
    private partial void LogRefusedMessage(Guid? nodeId, string remoteAddress, string reason);
}
