using Microsoft.AspNetCore.SignalR;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// Hands every heartbeat the agent hub accepted to <see cref="HeartbeatSignals"/> and raises what it
/// finds. It learns the connection's node from <c>Register</c>; raising never waits.
/// </summary>
internal sealed class HeartbeatAlertFilter(HeartbeatSignals heartbeats, AlertSignals signals, TimeProvider time) : IHubFilter
{
    private static readonly object NodeKey = new();

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var result = await next(invocationContext);
        switch (result)
        {
            case HeartbeatAck when invocationContext.HubMethodArguments is [AgentHeartbeat heartbeat]
                && invocationContext.Context.Items.TryGetValue(NodeKey, out var node) && node is (Guid nodeId, string nodeName):
                signals.Raise(heartbeats.Observe(nodeId, nodeName, heartbeat, time.GetUtcNow()));
                break;
            case RegistrationAccepted accepted when invocationContext.HubMethodArguments is [AgentRegistration registration]:
                invocationContext.Context.Items[NodeKey] = (accepted.NodeId, registration.NodeName);
                break;
        }

        return result;
    }
}
