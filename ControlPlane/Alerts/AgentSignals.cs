using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Alerts;

/// <summary>What an agent's enrolment, approval, revocation or removal means to alert rules. Pure.</summary>
public static class AgentSignals
{
    /// <summary><c>AgentAwaitingApproval</c> holds while the agent is Pending; any other state, or its removal, clears it.</summary>
    public static AlertSignal FromChange(AgentStateChange change)
    {
        var pending = change.State == EnrolledAgentState.Pending;
        var target = AlertTarget.Node(change.NodeId, change.HostName) with { Key = $"node/{change.NodeId}/agent/{change.AgentId}" };
        var summary = change.State switch
        {
            EnrolledAgentState.Pending => $"agent {change.AgentId} of node {change.HostName} enrolled and waits for an admin's approval",
            EnrolledAgentState.Approved => $"agent {change.AgentId} of node {change.HostName} was approved",
            EnrolledAgentState.Revoked => $"agent {change.AgentId} of node {change.HostName} was revoked",
            _ => $"agent {change.AgentId} of node {change.HostName} is no longer enrolled (replaced or forgotten)",
        };
        return new ConditionObserved(AlertCondition.AgentAwaitingApproval, target, pending, change.At, summary)
        {
            Action = pending ? "refuses its connections until an admin approves it (Agents, or POST /api/v1/agents/{id}/approve)" : null,
        };
    }
}
