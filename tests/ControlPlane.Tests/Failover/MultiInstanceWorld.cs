using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Decider;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Tests.Failover.Simulation;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// A seeded world of several control-plane instances sharing one database and one Redis, and a few
/// agents, on a fake clock. Which instance decides is settled by the real decider-lease rules
/// (<see cref="SimulatedInstance"/>); each one that takes over builds its own real registry and
/// coordinator from the shared store. Agents connect to any instance, trying the next address when a
/// connection is lost; an instance that stands by relays their calls to the deciding one with a random
/// delay, ending the connection when no answer comes within the relay's timeout (an answer that comes
/// later is dropped, though the deciding instance has heard the call). Instances are killed, stopped on
/// purpose (after a handover), cut from the database (queries fail, or hang) and from Redis; their
/// wall clocks differ within the clock skew allowance. After every step it checks the invariants.
/// </summary>
internal sealed class MultiInstanceWorld : SeededWorld, ISimulationContext
{
    /// <summary>Shorter than the defaults, so that two minutes see many changes of decider; within the validator's bounds.</summary>
    public static readonly DeciderOptions Decider = new()
    {
        Standby = true,
        LeaseDuration = TimeSpan.FromSeconds(6),
        RenewInterval = TimeSpan.FromSeconds(2),
        StandbyCheckInterval = TimeSpan.FromMilliseconds(500),
        ClockSkewAllowance = TimeSpan.FromSeconds(1),
    };

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DateTimeOffset _origin;
    private readonly CommandTable _commands;
    private readonly RoleInvariants _invariants;
    private readonly AgentLinks _links;

    /// <param name="longLeasesAtPlannedStops">A planned stop's handover gives the active member a long lease (<see cref="FailoverOptions.PlannedRestartLease"/>); without, it hands nothing over.</param>
    public MultiInstanceWorld(int seed, int instances = 3, int nodes = 3, bool longLeasesAtPlannedStops = true)
        : base(seed)
    {
        Settings = SimulatedGroup.OptionsOf(FailoverProfile.Standard);
        if (!longLeasesAtPlannedStops)
        {
            Settings.PlannedRestartLease = TimeSpan.Zero;
        }

        _origin = _clock.GetUtcNow();
        _commands = new CommandTable(_clock);
        (GroupId, Agents, Store) = SimulatedGroup.Create(Random, nodes, IsolationPolicy.Stop, Settings, Now);
        _invariants = new RoleInvariants(GroupId, Agents, Store);
        Instances = [.. Enumerable.Range(0, instances).Select(NewInstance)];
        _links = new AgentLinks(this, Instances);
    }

    public FailoverOptions Settings { get; }

    public TimeSpan HeartbeatInterval { get; } = FailoverTimings.Of(FailoverProfile.Standard).AgentHeartbeatInterval;

    public Timeline Timeline { get; } = new();

    public InMemoryDeciderLease Lease { get; } = new();

    public override TimeSpan Now => _clock.GetUtcNow() - _origin;

    public Guid GroupId { get; }

    public List<SimulatedAgent> Agents { get; }

    public InMemoryFailoverStore Store { get; }

    public List<SimulatedInstance> Instances { get; }

    public List<string> Violations => _invariants.Violations;

    public int ServicesUp => Agents.Count(a => a.ServiceUp);

    public int Completed => Store.Records.Count(r => r.Outcome == TransitionOutcome.Completed);

    /// <summary>How many times an instance took the decider lease over.</summary>
    public int Takeovers { get; private set; }

    /// <summary>The control planes that run now (a deposed one among them until it stops).</summary>
    public IEnumerable<DecidingView> Views => Instances.Select(i => i.View).OfType<DecidingView>().Where(v => v.Serving);

    /// <summary>Ends every fault: every instance running and linked, every agent up and connected, services repaired.</summary>
    public void Heal()
    {
        foreach (var instance in Instances)
        {
            instance.RedisCut = false;
            instance.HealDatabase();
            instance.Restart();
        }

        HealAgents(Agents);
    }

    public override void StepOnce()
    {
        _clock.Advance(Step);
        Timeline.DeliverUpTo(Now);
        foreach (var instance in Instances)
        {
            instance.Tick(Now);
        }

        foreach (var agent in Agents)
        {
            agent.Supervise(Now, Random);
            _links.Connect(agent);
            agent.AnswerSettled(GroupId, Now, (ticket, succeeded, message) => Reply(agent, ticket, succeeded, message));
            _links.Heartbeat(agent);
            _links.FinishStopping(agent);
        }

        DeliverCommands();
        foreach (var view in Views.ToList())
        {
            view.Registry.Sweep();
            if (Now.Ticks / Step.Ticks % 2 == 0)
            {
                view.Coordinator.DecideAllAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
        }

        _invariants.Check(Now);
    }

    /// <summary>The deciding instance stops on purpose: its handover runs while the world goes on, then it releases the lease and ends; it starts again after <paramref name="downFor"/>.</summary>
    public void StopDeciderOnPurpose(TimeSpan downFor)
    {
        if (Views.FirstOrDefault(v => v.Instance.MayDecide) is not { } view)
        {
            return;
        }

        StepUntilDone(view.Coordinator.HandOverAsync(CancellationToken.None));
        if (view.Serving)
        {
            view.Instance.Release();
            view.Instance.Stop(downFor);
        }
    }

    private SimulatedInstance NewInstance(int index)
    {
        // Any two wall clocks differ by at most the allowance.
        var skew = Decider.ClockSkewAllowance * (Random.NextDouble() - 0.5);
        var instance = new SimulatedInstance(index, skew, _clock, Decider, this);
        instance.TookOver += TakeOver;
        instance.Stopped += stopped => _links.EndAllVia(stopped);
        return instance;
    }

    private void TakeOver(SimulatedInstance instance)
    {
        // Its relay stops first: its agents connect again, and register with the instance that now decides.
        _links.EndAllVia(instance);
        Takeovers++;
        instance.View = new DecidingView(instance, Store, _commands, Settings);
        instance.View.Coordinator.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();

        // Sent on connections to a control plane that has gone, so handed again (the queue is in the database).
        _commands.HandAgain();
    }

    private void DeliverCommands()
    {
        foreach (var expired in _commands.Expire())
        {
            foreach (var view in Views.ToList())
            {
                view.Report(new CommandFinished(expired, AnsweredOn: null));
            }
        }

        foreach (var queued in _commands.Queued.Where(c => c.Command.State == CommandState.Pending).ToList())
        {
            var agent = Agents.First(a => a.NodeId == queued.Command.NodeId);
            if (_links.Current(agent) is not { Decider.Serving: true } link)
            {
                continue;
            }

            queued.Command.State = CommandState.Sent;
            var ticket = new StoredCommandTicket(queued.Command.Id, queued.Kind, queued.Grant.Epoch, link.Decider.Run);
            _links.ToAgent(agent, link, () => agent.Receive(queued.Kind, queued.Grant, ticket, Now, (answered, succeeded, message) => Reply(agent, answered, succeeded, message)));
        }
    }

    /// <summary>The answer goes on the agent's connection of the moment (none: it waits for the command to be delivered again), some of them late.</summary>
    private void Reply(SimulatedAgent agent, StoredCommandTicket ticket, bool succeeded, string message)
    {
        if (_links.Current(agent) is not { } link)
        {
            return;
        }

        var delay = Random.Next(4) == 0 ? TimeSpan.FromMilliseconds(Random.Next(250, 3000)) : TimeSpan.Zero;
        _links.Call(agent, link, delay, AgentLinks.CallTimeout, view =>
        {
            if (_commands.Finish(ticket.CommandId, succeeded, message) is { } command)
            {
                var finished = new CommandFinished(command, link.Id);
                view.Report(finished);
                if (Random.Next(3) == 0)
                {
                    // The same answer again, later: the coordinator must not take it for news.
                    Timeline.At(Now + TimeSpan.FromMilliseconds(Random.Next(1, 8000)), () => ReportAgain(view, finished));
                }
            }

            return null;
        }, outlivesSender: true);
    }

    /// <summary>Commands handed to connections that are gone are handed again when the node registers.</summary>
    public void HandAgain(Guid nodeId) => _commands.HandAgain(nodeId);

    private static void ReportAgain(DecidingView view, CommandFinished finished)
    {
        if (view.Serving)
        {
            view.Report(finished);
        }
    }

    protected override void Fault()
    {
        var agent = Agents[Random.Next(Agents.Count)];
        var instance = Instances[Random.Next(Instances.Count)];
        var fault = Random.Next(14);
        if (AgentFault(fault, agent, () => _links.Drop(agent), () => _links.Cut(agent)))
        {
            return;
        }

        switch (fault)
        {
            case 6 when agent.Alive && agent.StoppingUntil is null:
                agent.BeginStopping(Now);
                break;
            case 7:
                Views.FirstOrDefault()?.Coordinator.RequestSwitchover(GroupId, new SwitchoverRequest(null, "switchover asked for by an operator"));
                break;
            case 8:
                // kill -9: connections drop, nothing handed over, the lease lapses by itself.
                instance.Stop(TimeSpan.FromMilliseconds(Random.Next(1000, 20_000)));
                break;
            case 9:
                StopDeciderOnPurpose(TimeSpan.FromMilliseconds(Random.Next(1000, 20_000)));
                break;
            case 10 when instance.Database == DatabaseLink.Up:
                instance.CutDatabase((DatabaseLink)Random.Next(1, 4));
                Timeline.At(Now + TimeSpan.FromMilliseconds(Random.Next(1000, 30_000)), instance.HealDatabase);
                break;
            case 11 when !instance.RedisCut:
                instance.RedisCut = true;
                _links.EndAllVia(instance, relayedOnly: true);
                Timeline.At(Now + TimeSpan.FromMilliseconds(Random.Next(1000, 20_000)), () => instance.RedisCut = false);
                break;
            default:
                break;
        }
    }
}
