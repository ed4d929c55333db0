namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>
/// How an agent's calls travel in a world of several instances, and their answers back: straight
/// to the deciding instance's control plane over the network, or through the instance the agent is
/// connected to, which publishes the call on Redis to every control plane that listens and takes the
/// first answer within its timeout.
/// </summary>
internal sealed class CallRoutes(MultiInstanceWorld world)
{
    /// <summary>From the control plane the connection is registered with to the agent: straight, or through Redis and the relay.</summary>
    public void ToAgent(SimulatedAgent agent, AgentLink link, Action deliver)
    {
        if (!link.Relayed)
        {
            ToAgent(agent, deliver);
            return;
        }

        if (!link.Decider.Instance.OnRedis)
        {
            return;
        }

        world.Timeline.At(world.Now + RedisDelay(), () =>
        {
            if (link.Via.OnRedis && link.Via.Run == link.ViaRun)
            {
                ToAgent(agent, deliver);
            }
        });
    }


    /// <param name="decider">The control plane the connection is registered with; null for a relayed registration (the first to answer).</param>
    /// <param name="failed">The relay ends the call: no answer in time, Redis failed it, or the wrong control plane answered.</param>
    public void Send(
        SimulatedAgent agent, SimulatedInstance via, int viaRun, DecidingView? decider, TimeSpan delay, TimeSpan relayTimeout, Func<DecidingView, Action?> handle, Action failed, bool outlivesSender = false)
    {
        if (!agent.Reachable)
        {
            return;
        }

        var arrives = world.Now + delay + NetworkDelay();
        if (decider is not null && decider.Instance == via)
        {
            world.Timeline.At(arrives, () =>
            {
                if (decider.Serving && !agent.Partitioned && (agent.Alive || outlivesSender) && handle(decider) is { } answer)
                {
                    ToAgent(agent, answer);
                }
            });
            return;
        }

        world.Timeline.At(arrives, () =>
        {
            if (via.Alive && via.Run == viaRun && !agent.Partitioned && (agent.Alive || outlivesSender))
            {
                Relay(agent, via, viaRun, decider, relayTimeout, handle, failed);
            }
        });
    }

    private void Relay(SimulatedAgent agent, SimulatedInstance via, int viaRun, DecidingView? decider, TimeSpan timeout, Func<DecidingView, Action?> handle, Action failed)
    {
        var listeners = world.Views.Where(v => v.Instance.OnRedis).ToList();
        if (via.RedisCut || listeners.Count == 0)
        {
            failed();
            return;
        }

        var settled = false;
        world.Timeline.At(world.Now + timeout, () =>
        {
            if (!settled)
            {
                settled = true;
                failed();
            }
        });
        foreach (var listener in listeners)
        {
            // Mostly quick; sometimes slow, and sometimes long after the relay has given up.
            var delay = world.Random.Next(20) switch
            {
                0 => TimeSpan.FromMilliseconds(world.Random.Next(1000, 8000)),
                < 4 => TimeSpan.FromMilliseconds(world.Random.Next(200, 1000)),
                _ => RedisDelay(),
            };
            world.Timeline.At(world.Now + delay, () =>
            {
                if (!listener.Serving || !listener.Instance.OnRedis)
                {
                    return;
                }

                var answer = handle(listener);
                world.Timeline.At(world.Now + RedisDelay(), () =>
                {
                    if (settled || !via.OnRedis || via.Run != viaRun)
                    {
                        return;
                    }

                    settled = true;
                    if (decider is not null && decider != listener)
                    {
                        failed();
                    }
                    else if (answer is not null)
                    {
                        ToAgent(agent, answer);
                    }
                });
            });
        }
    }

    private void ToAgent(SimulatedAgent agent, Action deliver)
    {
        if (!agent.Reachable)
        {
            return;
        }

        var run = agent.Run;
        world.Timeline.At(world.Now + NetworkDelay(), () =>
        {
            if (agent.Reachable && agent.Run == run)
            {
                deliver();
            }
        });
    }

    private TimeSpan NetworkDelay() => TimeSpan.FromMilliseconds(world.Random.Next(1, 250));

    public TimeSpan RedisDelay() => TimeSpan.FromMilliseconds(world.Random.Next(1, 50));
}
