using Microsoft.AspNetCore.SignalR;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Metrics;

/// <summary>
/// Feeds the host metrics of every heartbeat the agent hub accepted to the <see cref="NodeMetricsAccumulator"/>.
/// It learns the connection's node from the hub's answer to <c>Register</c>, and counts a heartbeat
/// only when the hub returned an acknowledgement (a refused one throws and is not counted).
/// </summary>
internal sealed class HeartbeatMetricsFilter(NodeMetricsAccumulator accumulator) : IHubFilter
{
    private static readonly object NodeKey = new();

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var result = await next(invocationContext);
        switch (result)
        {
            case HeartbeatAck when invocationContext.HubMethodArguments is [AgentHeartbeat { Host: { } host }]
                && invocationContext.Context.Items.TryGetValue(NodeKey, out var node) && node is Guid nodeId:
                accumulator.Record(nodeId, host);
                break;
            case RegistrationAccepted accepted when invocationContext.HubMethodName == nameof(IAgentHub.Register):
                invocationContext.Context.Items[NodeKey] = accepted.NodeId;
                break;
        }

        return result;
    }
}
