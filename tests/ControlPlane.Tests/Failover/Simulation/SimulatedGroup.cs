using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>The group of a simulation, as it stands when the simulation begins: every member standing by at epoch 0, its agent running.</summary>
internal sealed record SimulatedGroup(Guid Id, List<SimulatedAgent> Agents, InMemoryFailoverStore Store)
{
    public static SimulatedGroup Create(Random random, int nodes, IsolationPolicy isolation, FailoverOptions settings, TimeSpan now)
    {
        var id = Guid.NewGuid();
        List<SimulatedAgent> agents = [.. Enumerable.Range(0, nodes).Select(i => new SimulatedAgent(i, Guid.NewGuid(), Guid.NewGuid(), TimeSpan.FromSeconds(random.Next(0, 100_000))))];
        var store = new InMemoryFailoverStore(new FailoverGroup
        {
            Id = id,
            Name = "sim",
            Isolation = isolation,
            CooldownSeconds = 5,
            MaxFailovers = 1000,
            MaxFailoversPeriodSeconds = 3600,
            TermsVersion = 1,
            Members = [.. agents.Select((a, i) => new FailoverGroupMember { Id = a.MemberId, GroupId = id, NodeId = a.NodeId, Service = SimulatedAgent.Service, Priority = i + 1 })],
        });
        foreach (var agent in agents)
        {
            // The group existed before: every member has been told it stands by at epoch 0.
            agent.Apply(CommandKind.Deactivate, new RoleGrant { GroupId = id, GroupName = "sim", Epoch = 0, LeaseMs = (int)settings.Lease.TotalMilliseconds, Terms = new RoleTerms { Version = 1, Isolation = isolation } });
            agent.Start(now);
            agent.Process.Stubborn = random.Next(5) == 0;
        }

        return new SimulatedGroup(id, agents, store);
    }

    public static FailoverOptions OptionsOf(FailoverProfile profile)
    {
        var options = new FailoverOptions { Profile = profile };
        FailoverTimings.Of(profile).ApplyTo(options);
        return options;
    }
}
