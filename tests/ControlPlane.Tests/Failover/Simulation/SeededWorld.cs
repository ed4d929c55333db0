namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>A simulation that moves in steps of <see cref="Step"/> on a fake clock, faults drawn from its seed between them.</summary>
internal abstract class SeededWorld(int seed)
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    public Random Random { get; } = new(seed);

    public abstract TimeSpan Now { get; }

    public abstract void StepOnce();

    public void Run(TimeSpan duration, double faultsPerSecond = 0)
    {
        var end = Now + duration;
        while (Now < end)
        {
            if (faultsPerSecond > 0 && Random.NextDouble() < faultsPerSecond * Step.TotalSeconds)
            {
                Fault();
            }

            StepOnce();
        }
    }

    /// <summary>Steps on while <paramref name="going"/> holds, for at most <paramref name="limit"/>.</summary>
    public void StepWhile(Func<bool> going, TimeSpan limit)
    {
        var end = Now + limit;
        while (going() && Now < end)
        {
            StepOnce();
        }
    }

    /// <summary>Steps on until <paramref name="work"/>, which waits on the fake clock, has ended.</summary>
    protected void StepUntilDone(Task work)
    {
        while (!work.IsCompleted)
        {
            StepOnce();
        }

        work.GetAwaiter().GetResult();
    }

    /// <summary>One agent fault both worlds draw (0 to 5), carried out; false for any other number.</summary>
    protected bool AgentFault(int fault, SimulatedAgent agent, Action disconnect, Action cut)
    {
        switch (fault)
        {
            case 0 when agent.Alive:
                disconnect();
                agent.Kill();
                return true;
            case 1 when !agent.Alive:
                agent.Start(Now);
                return true;
            case 2 when !agent.Partitioned:
                cut();
                return true;
            case 3:
                agent.Partitioned = false;
                return true;
            case 4 when agent.ServiceUp:
                agent.Process.Broken = true;
                return true;
            case 5:
                agent.Process.Broken = false;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Every agent's faults end: connected again, its service repaired, started if down.</summary>
    protected void HealAgents(IEnumerable<SimulatedAgent> agents)
    {
        foreach (var agent in agents)
        {
            agent.Partitioned = false;
            agent.Process.Broken = false;
            if (!agent.Alive)
            {
                agent.Start(Now);
            }
        }
    }

    protected abstract void Fault();
}
