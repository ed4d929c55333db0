using Vigil.ControlPlane.Cluster;

namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>An agent's connection: to the instance <paramref name="Via"/> (its run <paramref name="ViaRun"/>), registered with <paramref name="Decider"/>.</summary>
internal sealed record AgentLink(string Id, SimulatedInstance Via, int ViaRun, DecidingView Decider)
{
    public bool Relayed => Via != Decider.Instance;
}

/// <summary>
/// The agents' connections in a world of several instances. An agent knows every instance's address
/// and, when a connection fails or ends, tries the next. A call on a connection to the deciding
/// instance goes straight to its control plane; on a connection to an instance that stands by, the
/// relay publishes it on Redis to every control plane that listens, takes the first answer within its
/// timeout, and ends the connection when none comes, when Redis fails it, or when another control plane
/// answers than the one the connection registered with.
/// </summary>
internal sealed class AgentLinks(MultiInstanceWorld world, IReadOnlyList<SimulatedInstance> instances)
{
    /// <summary>How long a relay waits for the answer to a relayed call other than a heartbeat.</summary>
    public static readonly TimeSpan CallTimeout = new RedisOptions().CallTimeout;

    private readonly CallRoutes _routes = new(world);
    private readonly Dictionary<SimulatedAgent, AgentLink> _links = [];
    private readonly Dictionary<SimulatedAgent, int> _addresses = [];

    /// <summary>The connection that speaks for the agent now, if any.</summary>
    public AgentLink? Current(SimulatedAgent agent) =>
        agent.Connection is { } connection && _links.TryGetValue(agent, out var link) && link.Id == connection.Id ? link : null;

    public void Connect(SimulatedAgent agent)
    {
        var local = agent.Local(world.Now);
        if (!agent.Reachable || agent.Connection is not null || local < agent.NextConnectAttempt || agent.StoppingUntil is not null)
        {
            return;
        }

        agent.NextConnectAttempt = local + TimeSpan.FromMilliseconds(world.Random.Next(500, 3000));
        var via = instances[_addresses.GetValueOrDefault(agent)];
        var direct = via.View is { Serving: true } ? via.View : null;
        if (direct is null && !(via.Relaying && via.OnRedis))
        {
            // Refused (down, starting, or a relay cut from Redis): the next address, soon.
            NextAddress(agent);
            return;
        }

        var id = $"{agent.Index}-{world.Random.Next()}";
        var run = agent.Run;
        var viaRun = via.Run;
        _routes.Send(agent, via, viaRun, direct, TimeSpan.Zero, CallTimeout, view =>
        {
            view.Registry.Register(agent.Registration(world.HeartbeatInterval), id);
            var memberships = view.Coordinator.MembershipsOf(agent.NodeId);
            world.HandAgain(agent.NodeId);
            return () =>
            {
                if (agent.Run == run && agent.Connection is null)
                {
                    _links[agent] = new AgentLink(id, via, viaRun, view);
                    agent.Connection = (id, via.Index);
                    agent.AwaitingAck = null;
                    agent.Book.LearnMemberships(memberships);
                }
            };
        }, failed: () => NextAddress(agent));
    }

    public void Heartbeat(SimulatedAgent agent)
    {
        var local = agent.Local(world.Now);
        if (agent.AwaitingAck is { } awaiting && local - awaiting.SentAt > SimulatedAgent.CallTimeout)
        {
            // No acknowledgement in time: the call is given up (a late answer is dropped) and the connection with it.
            if (Current(agent) is { } given)
            {
                End(agent, given);
            }

            agent.AwaitingAck = null;
            agent.Connection = null;
        }

        if (!agent.Alive || Current(agent) is not { } link || agent.AwaitingAck is not null || (local < agent.NextHeartbeat && !agent.HeartbeatWanted))
        {
            return;
        }

        agent.NextHeartbeat = local + world.HeartbeatInterval;
        agent.HeartbeatWanted = false;
        var heartbeat = agent.Heartbeat(world.Now);
        agent.AwaitingAck = (heartbeat.Sequence, local);
        Call(agent, link, TimeSpan.Zero, RedisOptions.HeartbeatTimeout, view =>
        {
            if (!view.Registry.TryRecordHeartbeat(agent.NodeId, link.Id, heartbeat, out _))
            {
                return null;
            }

            var leases = view.Coordinator.LeasesFor(agent.NodeId, heartbeat.Roles ?? [], view.Instance.Clock.GetTimestamp());

            return () =>
            {
                if (agent.AwaitingAck is { } waiting && waiting.Sequence == heartbeat.Sequence)
                {
                    agent.AwaitingAck = null;
                    agent.Renew(leases, waiting.SentAt);
                }
            };
        });
    }

    /// <summary>A stopping agent's last heartbeat shows the role given up and the service down; the goodbye after it tells the control plane not to wait for the lease.</summary>
    public void FinishStopping(SimulatedAgent agent)
    {
        if (!agent.Alive || !agent.DoneStopping(world.Now))
        {
            return;
        }

        if (Current(agent) is { } link && !agent.Partitioned)
        {
            var heartbeat = agent.Heartbeat(world.Now);
            Call(agent, link, TimeSpan.Zero, CallTimeout, view =>
            {
                if (view.Registry.TryRecordHeartbeat(agent.NodeId, link.Id, heartbeat, out _))
                {
                    view.Coordinator.LeasesFor(agent.NodeId, heartbeat.Roles ?? [], view.Instance.Clock.GetTimestamp());
                    view.Registry.Stopping(agent.NodeId, link.Id);
                }

                return null;
            }, outlivesSender: true);
        }

        agent.Kill();
    }

    /// <summary>A call on the agent's connection; <paramref name="handle"/> runs at the control plane, and what it returns at the agent when the answer arrives.</summary>
    public void Call(SimulatedAgent agent, AgentLink link, TimeSpan delay, TimeSpan relayTimeout, Func<DecidingView, Action?> handle, bool outlivesSender = false) =>
        _routes.Send(agent, link.Via, link.ViaRun, link.Decider, delay, relayTimeout, handle, () => End(agent, link), outlivesSender);

    /// <summary>From the control plane the connection is registered with to the agent: straight, or through Redis and the relay.</summary>
    public void ToAgent(SimulatedAgent agent, AgentLink link, Action deliver) => _routes.ToAgent(agent, link, deliver);

    /// <summary>The agent's process ends: its connection closes, and the control plane hears of it (through the relay, if relayed).</summary>
    public void Drop(SimulatedAgent agent)
    {
        if (Current(agent) is { } link)
        {
            End(agent, link);
        }
    }

    /// <summary>A silent cut: nothing gets through; each side notices only when its own timeout passes.</summary>
    public void Cut(SimulatedAgent agent)
    {
        agent.Partitioned = true;
        if (Current(agent) is { } link)
        {
            world.Timeline.At(world.Now + TimeSpan.FromMilliseconds(world.Random.Next(100, 15_000)), () => Closed(agent, link));
        }
    }

    /// <summary>Every connection through <paramref name="instance"/> ends (it stopped, or its relay did, or it lost Redis while relaying).</summary>
    public void EndAllVia(SimulatedInstance instance, bool relayedOnly = false)
    {
        foreach (var agent in world.Agents)
        {
            if (Current(agent) is { } link && link.Via == instance && (link.Relayed || !relayedOnly))
            {
                End(agent, link);
            }
        }
    }

    /// <summary>The connection ends: the agent sees it at once (unless cut off) and tries the next address; the control plane hears of it.</summary>
    private void End(SimulatedAgent agent, AgentLink link)
    {
        if (agent.Reachable && Current(agent) == link)
        {
            agent.Connection = null;
            agent.AwaitingAck = null;
            NextAddress(agent);
        }

        Closed(agent, link);
    }

    /// <summary>
    /// The control plane the connection was registered with hears that it closed: at once when it held it
    /// itself, from the relay over Redis, or (the relay gone) from its probe of that relay, within 5 s.
    /// </summary>
    private void Closed(SimulatedAgent agent, AgentLink link)
    {
        var heardAfter = !link.Relayed
            ? TimeSpan.Zero
            : link.Via.OnRedis && link.Via.Run == link.ViaRun ? _routes.RedisDelay() : TimeSpan.FromMilliseconds(world.Random.Next(0, 5000));
        world.Timeline.At(world.Now + heardAfter, () =>
        {
            if (link.Decider.Serving)
            {
                link.Decider.Registry.Disconnected(agent.NodeId, link.Id);
            }
        });
    }

    private void NextAddress(SimulatedAgent agent)
    {
        _addresses[agent] = (_addresses.GetValueOrDefault(agent) + 1) % instances.Count;
        agent.NextConnectAttempt = agent.Local(world.Now) + TimeSpan.FromMilliseconds(world.Random.Next(0, 1000));
    }
}
