using System.Collections.Concurrent;
namespace Vigil.ControlPlane.Agents;

/// <summary>
/// The live hub connections of each enrolled agent, so that revoking an agent ends its connections at
/// once. An agent marked revoked here is aborted whether its connection arrives before or after the mark.
/// </summary>
public sealed class AgentConnections
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, AgentCaller>> _live = new();
    private readonly ConcurrentDictionary<Guid, byte> _revoked = new();
    private volatile bool _closed;

    /// <summary>Keeps <paramref name="caller"/>; false (and the connection aborted) when the agent is revoked.</summary>
    public bool Add(AgentCaller caller)
    {
        var agentId = caller.Credential.AgentId;
        _live.GetOrAdd(agentId, _ => new()).TryAdd(caller.ConnectionId, caller);
        if (_closed || _revoked.ContainsKey(agentId))
        {
            caller.Abort();
            return false;
        }

        return true;
    }

    public void Remove(Guid agentId, string connectionId)
    {
        if (_live.TryGetValue(agentId, out var callers) && callers.TryRemove(connectionId, out _) && callers.IsEmpty)
        {
            _live.TryRemove(KeyValuePair.Create(agentId, callers));
        }
    }

    /// <summary>Open connections of every agent; read when metrics are scraped.</summary>
    public int Count => _live.Values.Sum(callers => callers.Count);

    public bool IsConnected(Guid agentId) => _live.TryGetValue(agentId, out var callers) && !callers.IsEmpty;

    /// <summary>
    /// Marks the credential refused (revoked, or replaced by a new enrolment of its node) and aborts
    /// its connections; returns how many there were.
    /// </summary>
    public int Revoke(Guid agentId)
    {
        _revoked[agentId] = 0;
        if (!_live.TryGetValue(agentId, out var callers))
        {
            return 0;
        }

        var aborted = 0;
        foreach (var caller in callers.Values)
        {
            caller.Abort();
            aborted++;
        }

        return aborted;
    }

    /// <summary>The control plane is stopping: every connection is aborted and new ones are refused, so the server stops at once.</summary>
    public void CloseAll()
    {
        _closed = true;
        foreach (var caller in _live.Values.SelectMany(callers => callers.Values))
        {
            caller.Abort();
        }
    }

    /// <summary>The credential is gone from the database; nothing more to keep about it.</summary>
    public void Forget(Guid agentId) => _revoked.TryRemove(agentId, out _);
}
