namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>What must hold after every step of a simulation: never two members holding a valid active role, never two services up, epochs only grow.</summary>
internal sealed class RoleInvariants(Guid groupId, IReadOnlyList<SimulatedAgent> agents, InMemoryFailoverStore store)
{
    private readonly Dictionary<Guid, long> _highestEpoch = [];
    private long _storedEpoch;

    public List<string> Violations { get; } = [];

    public void Check(TimeSpan now)
    {
        var holders = agents.Where(a => a.HoldsValidRole(groupId, now)).Select(a => a.Index).ToList();
        if (holders.Count > 1)
        {
            Violations.Add($"{now}: nodes {string.Join(", ", holders)} hold a valid active role at once");
        }

        var up = agents.Where(a => a.ServiceUp).Select(a => a.Index).ToList();
        if (up.Count > 1)
        {
            Violations.Add($"{now}: the service is up on nodes {string.Join(", ", up)} at once");
        }

        if (store.Epoch < _storedEpoch)
        {
            Violations.Add($"{now}: the group's epoch went down from {_storedEpoch} to {store.Epoch}");
        }

        _storedEpoch = store.Epoch;
        foreach (var agent in agents)
        {
            var epoch = (agent.Alive ? agent.Book.Find(groupId) : agent.Stored.FirstOrDefault(r => r.GroupId == groupId))?.Epoch ?? 0;
            if (epoch < _highestEpoch.GetValueOrDefault(agent.NodeId))
            {
                Violations.Add($"{now}: node {agent.Index} went back from epoch {_highestEpoch[agent.NodeId]} to {epoch}");
            }

            _highestEpoch[agent.NodeId] = epoch;
        }
    }
}
