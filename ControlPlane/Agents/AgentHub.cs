using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Configurations;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Events;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Monitoring;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;
using Vigil.Shared.Commands;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// Where agents connect. A thin shell: it checks who is calling and what they sent, then hands the
/// message to the <see cref="NodeRegistry"/>. Refusals are <see cref="HubException"/>s, whose message
/// reaches the agent; the connection stays open so the agent can correct itself. Each connection
/// speaks for the one node its credential was enrolled for. Heartbeats and registrations never wait
/// on the database; calls that need it go through <see cref="AgentDatabaseCalls"/>, bounded in number
/// and time, and a slow or absent database answers "keep them and send again".
/// </summary>
[Authorize(Policy = VigilPolicies.Agent)]
internal sealed partial class AgentHub(
    NodeRegistry registry,
    AgentConnectionTimes connectionTimes,
    AgentConnections connections,
    EventStore events,
    DesiredConfigurations configurations,
    CommandPipeline commands,
    FailoverCoordinator failover,
    IOptions<FailoverOptions> failoverOptions,
    IAuditTrail audit,
    AgentDatabaseCalls databaseCalls,
    VigilMetrics metrics,
    TimeProvider time,
    ILogger<AgentHub> logger) : Hub<IAgentClient>, IAgentHub
{
    private const string NodeIdKey = "NodeId";
    private const string NotTheNodesConnection = "This connection no longer speaks for the node: another connection registered with the same node id.";

    public async Task<RegistrationAccepted> Register(AgentRegistration registration)
    {
        if (registration is not null && !ProtocolVersions.IsSupported(registration.ProtocolVersion))
        {
            LogRefusedProtocol(RemoteAddress, registration.ProtocolVersion, ProtocolVersions.Describe());
            throw new HubException(
                $"Protocol version {registration.ProtocolVersion} is not supported; this control plane speaks version(s) {ProtocolVersions.Describe()}.");
        }

        var errors = MessageValidator.Validate(registration);
        if (errors.Count > 0)
        {
            throw Refuse(MessageValidator.Describe("registration", errors));
        }

        var credential = Credential;
        if (credential.State == EnrolledAgentState.Pending)
        {
            throw Refuse(
                $"This agent is waiting for approval: an administrator must approve agent {credential.AgentId} (node {credential.NodeId}) before it may register.",
                credential.NodeId);
        }

        if (registration!.NodeId != credential.NodeId)
        {
            throw Refuse(
                $"This agent's credential was enrolled for node {credential.NodeId}; it cannot register as node {registration.NodeId}.",
                credential.NodeId);
        }

        var lease = failoverOptions.Value.Lease;
        var intervalMax = FailoverOptionsValidator.HeartbeatIntervalMax(lease);
        if (TimeSpan.FromMilliseconds(registration.HeartbeatIntervalMs) > intervalMax)
        {
            var profile = failoverOptions.Value.Profile;
            throw Refuse(
                $"heartbeatIntervalMs {registration.HeartbeatIntervalMs} is longer than half the active-role lease of this control plane ({lease}): " +
                $"heartbeats would not renew a lease in time. Set the agent's Agent:HeartbeatInterval to at most {intervalMax} " +
                $"(the control plane's failover profile {profile} is meant for {FailoverTimings.Of(profile).AgentHeartbeatInterval}).",
                credential.NodeId);
        }

        if (registry.TryRegister(registration!, Context.ConnectionId, out var clone) is not { } node)
        {
            throw await RefuseCloneAsync(registration, clone!);
        }

        Context.Items[NodeIdKey] = node.Id;
        LogRegistered(node.Name, node.Id, node.AgentVersion, RemoteAddress);
        commands.NodeConnected(node.Id);
        return new RegistrationAccepted
        {
            NodeId = node.Id,
            ProtocolVersion = registration!.ProtocolVersion,
            ConfigVersion = node.ConfigVersion,
            LastEventSequence = node.LastEventSequence,
            Memberships = failover.MembershipsOf(node.Id),
        };
    }

    public Task<HeartbeatAck> Heartbeat(AgentHeartbeat heartbeat)
    {
        var receivedAt = time.GetTimestamp();
        try
        {
            return Task.FromResult(Acknowledge(heartbeat, receivedAt));
        }
        finally
        {
            metrics.HeartbeatHandled(time.GetElapsedTime(receivedAt));
        }
    }

    private HeartbeatAck Acknowledge(AgentHeartbeat heartbeat, long receivedAt)
    {
        var nodeId = RegisteredNode();
        var errors = MessageValidator.Validate(heartbeat);
        if (errors.Count > 0)
        {
            throw Refuse(MessageValidator.Describe("heartbeat", errors), nodeId);
        }

        if (!registry.TryRecordHeartbeat(nodeId, Context.ConnectionId, heartbeat))
        {
            throw Refuse(NotTheNodesConnection, nodeId);
        }

        var leases = failover.LeasesFor(nodeId, heartbeat.Roles ?? [], receivedAt);
        if (leases.Count > 0 && registry.ConnectionOf(nodeId) != Context.ConnectionId)
        {
            // Registered again on another connection meanwhile: a lease goes only to the node's current connection.
            throw Refuse(NotTheNodesConnection, nodeId);
        }

        return new HeartbeatAck { Sequence = heartbeat.Sequence, Leases = leases };
    }

    public async Task<EventsAck> ReportEvents(AgentEventBatch batch)
    {
        var nodeId = RegisteredNode();
        var errors = MessageValidator.Validate(batch);
        if (errors.Count > 0)
        {
            throw Refuse(MessageValidator.Describe("event batch", errors), nodeId);
        }

        try
        {
            return new EventsAck { UpTo = await databaseCalls.RunAsync(Context, token => events.StoreAsync(nodeId, batch.Events, token)) };
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            LogEventsNotStored(nodeId, exception.Message);
            throw new HubException("The control plane cannot store events right now; keep them and send them again later.");
        }
    }

    public async Task<DesiredConfiguration> GetDesiredConfiguration()
    {
        var nodeId = RegisteredNode();
        try
        {
            return await databaseCalls.RunAsync(Context, token => configurations.GetAsync(nodeId, token));
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            throw new HubException("The control plane cannot read the desired configuration right now; ask again later.");
        }
    }

    public Task Stopping(AgentStoppingNotice notice)
    {
        var nodeId = RegisteredNode();
        registry.Stopping(nodeId, Context.ConnectionId);
        LogStopping(nodeId, notice?.Reason ?? "");
        return Task.CompletedTask;
    }

    public async Task CommandResult(CommandOutcome outcome)
    {
        var nodeId = RegisteredNode();
        var errors = MessageValidator.Validate(outcome);
        if (errors.Count > 0)
        {
            throw Refuse(MessageValidator.Describe("command outcome", errors), nodeId);
        }

        try
        {
            await databaseCalls.RunAsync(Context, token => commands.CompleteAsync(nodeId, outcome, Context.ConnectionId, token));
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            LogOutcomeNotStored(nodeId, outcome.CommandId, exception.Message);
            throw new HubException("The control plane cannot store the outcome right now; it will deliver the command again.");
        }
    }

    public override Task OnConnectedAsync()
    {
        AgentDatabaseCalls.Track(Context);
        var credential = Credential;
        if (connections.Add(credential.AgentId, Context))
        {
            // Written in the background: a connection never waits on the database.
            connectionTimes.Note(credential.AgentId);
        }

        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (AgentCredentialHandler.CredentialOf(Context.User) is { } credential)
        {
            connections.Remove(credential.AgentId, Context.ConnectionId);
        }

        if (Context.Items[NodeIdKey] is Guid nodeId)
        {
            registry.Disconnected(nodeId, Context.ConnectionId);
            LogDisconnected(nodeId, exception?.Message ?? "connection closed");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Another agent process is connected for the node with the same identity and credential: a cloned
    /// machine, or the same image started twice. The newer one is refused, so it neither registers nor
    /// receives leases; the refusal is audited once per refused process.
    /// </summary>
    private async Task<HubException> RefuseCloneAsync(AgentRegistration registration, CloneRefusal clone)
    {
        var reason =
            $"Cloned node: node {clone.Node.Name} ({clone.Node.Id}) is already connected from another agent process (instance {clone.LiveInstanceId}); " +
            $"this process is instance {registration.InstanceId}. Two machines share the node's identity and credential: give the copy its own " +
            "(stop its agent, delete node-id and credential from its data folder, and enrol it with an enrollment token). " +
            "An agent that restarted is admitted once its old connection has closed.";
        if (clone.FirstRefusal)
        {
            LogCloneRefused(clone.Node.Name, clone.Node.Id, registration.InstanceId, clone.LiveInstanceId, RemoteAddress);
            await audit.RecordAsync(
                new AuditRecord(
                    $"agent:{clone.Node.Id}",
                    "agent.cloned",
                    $"node/{clone.Node.Id}",
                    RemoteAddress,
                    AuditOutcome.Denied,
                    $"cloned node: instance {registration.InstanceId} refused while instance {clone.LiveInstanceId} is connected"),
                Context.ConnectionAborted);
        }

        return new HubException(reason);
    }

    /// <summary>The credential this connection authenticated with (the hub admits no connection without one).</summary>
    private AgentCredential Credential =>
        AgentCredentialHandler.CredentialOf(Context.User) ?? throw new HubException("This connection has no agent credential.");

    private Guid RegisteredNode() =>
        Context.Items[NodeIdKey] is Guid nodeId ? nodeId : throw Refuse("Register before sending heartbeats or events.");

    private string RemoteAddress => Context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private HubException Refuse(string reason, Guid? nodeId = null)
    {
        LogRefusedMessage(nodeId, RemoteAddress, reason);
        return new HubException(reason);
    }

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
