using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Configurations;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Events;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// What the control plane does with each agent call, for a connection held by <see cref="AgentHub"/>:
/// it checks who is calling and what they sent, then hands the message to the <see cref="NodeRegistry"/>,
/// the failover coordinator or the stores. Refusals are <see cref="HubException"/>s, whose message
/// reaches the agent; the connection stays open so the agent can correct itself. Each connection
/// speaks for the one node its credential was enrolled for. Heartbeats and registrations never wait
/// on the database; calls that need it go through <see cref="AgentDatabaseCalls"/>, bounded in number
/// and time, and a slow or absent database answers "keep them and send again".
/// </summary>
internal sealed partial class AgentSessions(
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
    ILogger<AgentSessions> logger) : IAgentSessions
{
    private const string NotTheNodesConnection = "This connection no longer speaks for the node: another connection registered with the same node id.";

    public async Task<RegistrationAccepted> RegisterAsync(AgentCaller caller, AgentRegistration registration)
    {
        if (registration is not null && !ProtocolVersions.IsSupported(registration.ProtocolVersion))
        {
            LogRefusedProtocol(caller.RemoteAddress, registration.ProtocolVersion, ProtocolVersions.Describe());
            throw new HubException(
                $"Protocol version {registration.ProtocolVersion} is not supported; this control plane speaks version(s) {ProtocolVersions.Describe()}.");
        }

        var errors = MessageValidator.Validate(registration);
        if (errors.Count > 0)
        {
            throw Refuse(caller, MessageValidator.Describe("registration", errors));
        }

        var credential = caller.Credential;
        if (credential.State == EnrolledAgentState.Pending)
        {
            throw Refuse(
                caller,
                $"This agent is waiting for approval: an administrator must approve agent {credential.AgentId} (node {credential.NodeId}) before it may register.",
                credential.NodeId);
        }

        if (registration!.NodeId != credential.NodeId)
        {
            throw Refuse(
                caller,
                $"This agent's credential was enrolled for node {credential.NodeId}; it cannot register as node {registration.NodeId}.",
                credential.NodeId);
        }

        var lease = failoverOptions.Value.Lease;
        var intervalMax = FailoverOptionsValidator.HeartbeatIntervalMax(lease);
        if (TimeSpan.FromMilliseconds(registration.HeartbeatIntervalMs) > intervalMax)
        {
            var profile = failoverOptions.Value.Profile;
            throw Refuse(
                caller,
                $"heartbeatIntervalMs {registration.HeartbeatIntervalMs} is longer than half the active-role lease of this control plane ({lease}): " +
                $"heartbeats would not renew a lease in time. Set the agent's Agent:HeartbeatInterval to at most {intervalMax} " +
                $"(the control plane's failover profile {profile} is meant for {FailoverTimings.Of(profile).AgentHeartbeatInterval}).",
                credential.NodeId);
        }

        if (registry.TryRegister(registration!, caller.ConnectionId, out var clone) is not { } node)
        {
            throw await RefuseCloneAsync(caller, registration, clone!);
        }

        caller.NodeId = node.Id;
        LogRegistered(node.Name, node.Id, node.AgentVersion, caller.RemoteAddress);
        commands.NodeConnected(node.Id);
        return new RegistrationAccepted
        {
            NodeId = node.Id,
            ProtocolVersion = registration!.ProtocolVersion,
            ConfigVersion = node.ConfigVersion,
            LastEventSequence = node.LastEventSequence,
            Memberships = failover.MembershipsOf(node.Id),
            ServicesOnlyWhenChanged = true,
        };
    }

    /// <summary>Answered from memory: a heartbeat never waits on the database. <paramref name="receivedAt"/> is a timestamp of <see cref="TimeProvider"/>.</summary>
    public ValueTask<HeartbeatAck> HeartbeatAsync(AgentCaller caller, AgentHeartbeat heartbeat, long receivedAt) =>
        ValueTask.FromResult(Heartbeat(caller, heartbeat, receivedAt));

    public HeartbeatAck Heartbeat(AgentCaller caller, AgentHeartbeat heartbeat, long receivedAt)
    {
        var nodeId = RegisteredNode(caller);
        var errors = MessageValidator.Validate(heartbeat);
        if (errors.Count > 0)
        {
            throw Refuse(caller, MessageValidator.Describe("heartbeat", errors), nodeId);
        }

        if (!registry.TryRecordHeartbeat(nodeId, caller.ConnectionId, heartbeat, out var servicesWanted))
        {
            throw Refuse(caller, NotTheNodesConnection, nodeId);
        }

        var leases = failover.LeasesFor(nodeId, heartbeat.Roles ?? [], receivedAt);
        if (leases.Count > 0 && registry.ConnectionOf(nodeId) != caller.ConnectionId)
        {
            // Registered again on another connection meanwhile: a lease goes only to the node's current connection.
            throw Refuse(caller, NotTheNodesConnection, nodeId);
        }

        return new HeartbeatAck { Sequence = heartbeat.Sequence, Leases = leases, SendServices = servicesWanted };
    }

    public async Task<EventsAck> ReportEventsAsync(AgentCaller caller, AgentEventBatch batch)
    {
        var nodeId = RegisteredNode(caller);
        var errors = MessageValidator.Validate(batch);
        if (errors.Count > 0)
        {
            throw Refuse(caller, MessageValidator.Describe("event batch", errors), nodeId);
        }

        try
        {
            return new EventsAck { UpTo = await databaseCalls.RunAsync(caller, token => events.StoreAsync(nodeId, batch.Events, token)) };
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            LogEventsNotStored(nodeId, exception.Message);
            throw new HubException("The control plane cannot store events right now; keep them and send them again later.");
        }
    }

    public async Task<DesiredConfiguration> GetDesiredConfigurationAsync(AgentCaller caller)
    {
        var nodeId = RegisteredNode(caller);
        try
        {
            return await databaseCalls.RunAsync(caller, token => configurations.GetAsync(nodeId, token));
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            throw new HubException("The control plane cannot read the desired configuration right now; ask again later.");
        }
    }

    public Task StoppingAsync(AgentCaller caller, AgentStoppingNotice? notice)
    {
        var nodeId = RegisteredNode(caller);
        registry.Stopping(nodeId, caller.ConnectionId);
        LogStopping(nodeId, notice?.Reason ?? "");
        return Task.CompletedTask;
    }

    public async Task CommandResultAsync(AgentCaller caller, CommandOutcome outcome)
    {
        var nodeId = RegisteredNode(caller);
        var errors = MessageValidator.Validate(outcome);
        if (errors.Count > 0)
        {
            throw Refuse(caller, MessageValidator.Describe("command outcome", errors), nodeId);
        }

        try
        {
            await databaseCalls.RunAsync(caller, token => commands.CompleteAsync(nodeId, outcome, caller.ConnectionId, token));
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            LogOutcomeNotStored(nodeId, outcome.CommandId, exception.Message);
            throw new HubException("The control plane cannot store the outcome right now; it will deliver the command again.");
        }
    }

    /// <summary>A connection opened, before any of its calls; it is aborted at once if its credential has been revoked meanwhile.</summary>
    public Task<bool> ConnectedAsync(AgentCaller caller)
    {
        if (!connections.Add(caller))
        {
            return Task.FromResult(false);
        }

        // Written in the background: a connection never waits on the database.
        connectionTimes.Note(caller.Credential.AgentId);
        return Task.FromResult(true);
    }

    public Task DisconnectedAsync(AgentCaller caller, string reason)
    {
        connections.Remove(caller.Credential.AgentId, caller.ConnectionId);
        if (caller.NodeId is { } nodeId)
        {
            registry.Disconnected(nodeId, caller.ConnectionId);
            LogDisconnected(nodeId, reason);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Another agent process is connected for the node with the same identity and credential: a cloned
    /// machine, or the same image started twice. The newer one is refused, so it neither registers nor
    /// receives leases; the refusal is audited once per refused process.
    /// </summary>
    private async Task<HubException> RefuseCloneAsync(AgentCaller caller, AgentRegistration registration, CloneRefusal clone)
    {
        var reason =
            $"Cloned node: node {clone.Node.Name} ({clone.Node.Id}) is already connected from another agent process (instance {clone.LiveInstanceId}); " +
            $"this process is instance {registration.InstanceId}. Two machines share the node's identity and credential: give the copy its own " +
            "(stop its agent, delete node-id and credential from its data folder, and enrol it with an enrollment token). " +
            "An agent that restarted is admitted once its old connection has closed.";
        if (clone.FirstRefusal)
        {
            LogCloneRefused(clone.Node.Name, clone.Node.Id, registration.InstanceId, clone.LiveInstanceId, caller.RemoteAddress);
            await audit.RecordAsync(
                new AuditRecord(
                    $"agent:{clone.Node.Id}",
                    "agent.cloned",
                    $"node/{clone.Node.Id}",
                    caller.RemoteAddress,
                    AuditOutcome.Denied,
                    $"cloned node: instance {registration.InstanceId} refused while instance {clone.LiveInstanceId} is connected"),
                caller.Aborted);
        }

        return new HubException(reason);
    }

    private Guid RegisteredNode(AgentCaller caller) =>
        caller.NodeId ?? throw Refuse(caller, "Register before sending heartbeats or events.");

    private HubException Refuse(AgentCaller caller, string reason, Guid? nodeId = null)
    {
        LogRefusedMessage(nodeId, caller.RemoteAddress, reason);
        return new HubException(reason);
    }
}
