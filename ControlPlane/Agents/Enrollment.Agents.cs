using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>How an admin's change to an agent ended.</summary>
public enum AgentChangeOutcome
{
    Done,
    NotFound,

    /// <summary>Approve of a revoked agent: a revoked agent stays revoked.</summary>
    IsRevoked,

    /// <summary>Forget of an agent not revoked: revoke it first.</summary>
    NotRevoked,
}

public sealed partial class Enrollment
{
    /// <summary>Enrolled agents, newest first, optionally of one state.</summary>
    public async Task<(IReadOnlyList<EnrolledAgent> Page, int Total)> ListAgentsAsync(
        EnrolledAgentState? state, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var query = db.Agents.AsNoTracking().Where(a => state == null || a.State == state);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.EnrolledAt).ThenBy(a => a.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    public async Task<EnrolledAgent?> FindAgentAsync(Guid agentId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == agentId, cancellationToken);
    }

    /// <summary>Lets a pending agent connect. Approving an approved agent changes nothing.</summary>
    public async Task<AgentChangeOutcome> ApproveAsync(Guid agentId, string actor, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var agent = await db.Agents.SingleOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        switch (agent?.State)
        {
            case null:
                return AgentChangeOutcome.NotFound;
            case EnrolledAgentState.Revoked:
                return AgentChangeOutcome.IsRevoked;
            case EnrolledAgentState.Approved:
                return AgentChangeOutcome.Done;
        }

        agent.State = EnrolledAgentState.Approved;
        agent.ApprovedAt = time.GetUtcNow();
        agent.ApprovedBy = actor;

        // The approved agent is the node's from now on: an older credential of the same node is replaced.
        var replaced = await db.Agents.Where(a => a.NodeId == agent.NodeId && a.Id != agentId && a.State != EnrolledAgentState.Revoked).ToListAsync(cancellationToken);
        db.Agents.RemoveRange(replaced);
        await db.SaveChangesAsync(cancellationToken);
        Forget(replaced);
        Remember(agentId, EnrolledAgentState.Approved);
        Changed(agent, EnrolledAgentState.Approved);
        LogApproved(agentId, agent.NodeId, agent.HostName, actor);
        return AgentChangeOutcome.Done;
    }

    /// <summary>Refuses the agent from now on and ends its live connections at once.</summary>
    public async Task<AgentChangeOutcome> RevokeAsync(Guid agentId, string actor, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var agent = await db.Agents.SingleOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        if (agent is null)
        {
            return AgentChangeOutcome.NotFound;
        }

        if (agent.State != EnrolledAgentState.Revoked)
        {
            agent.State = EnrolledAgentState.Revoked;
            agent.RevokedAt = time.GetUtcNow();
            agent.RevokedBy = actor;
            await db.SaveChangesAsync(cancellationToken);
        }

        Remember(agentId, EnrolledAgentState.Revoked);
        Changed(agent, EnrolledAgentState.Revoked);
        var aborted = connections.Revoke(agentId);
        LogRevoked(agentId, agent.NodeId, agent.HostName, actor, aborted);
        return AgentChangeOutcome.Done;
    }

    /// <summary>Deletes a revoked agent, so that its node may enrol again.</summary>
    public async Task<AgentChangeOutcome> ForgetAsync(Guid agentId, string actor, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var agent = await db.Agents.SingleOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        if (agent is null)
        {
            return AgentChangeOutcome.NotFound;
        }

        if (agent.State != EnrolledAgentState.Revoked)
        {
            return AgentChangeOutcome.NotRevoked;
        }

        db.Agents.Remove(agent);
        await db.SaveChangesAsync(cancellationToken);
        Remember(agentId, null);
        Changed(agent, null);
        connections.Forget(agentId);
        LogForgotten(agentId, agent.NodeId, agent.HostName, actor);
        return AgentChangeOutcome.Done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} of node {NodeId} ({HostName}) approved by {Actor}")]
    private partial void LogApproved(Guid agentId, Guid nodeId, string hostName, string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} of node {NodeId} ({HostName}) revoked by {Actor}; {Aborted} live connection(s) closed")]
    private partial void LogRevoked(Guid agentId, Guid nodeId, string hostName, string actor, int aborted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked agent {AgentId} of node {NodeId} ({HostName}) forgotten by {Actor}; the node may enrol again")]
    private partial void LogForgotten(Guid agentId, Guid nodeId, string hostName, string actor);
}
