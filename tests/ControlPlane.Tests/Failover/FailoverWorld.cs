using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Health;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Tests.Failover.Simulation;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// A seeded world of one control plane and a few agents on a fake clock: the real
/// <see cref="FailoverCoordinator"/> and <see cref="NodeRegistry"/> (over an in-memory database and
/// command queue), and agents with the real role book and supervision machine. Messages take random
/// time; agents crash, restart and stop gracefully; links are cut silently; services start slowly,
/// refuse to stop or fail for good; the control plane crashes; operators edit the group's isolation;
/// agents' answers to role commands (a Deactivate's confirmation among them) come late, come twice,
/// or arrive after the epoch moved, the member was activated again or its agent reconnected.
/// After every step it checks the invariants: never two members holding a valid active role, never
/// two services up, epochs only grow.
/// </summary>
internal sealed class FailoverWorld : SeededWorld, IRoleCommandSink
{
    public static readonly FailoverOptions Options = SimulatedGroup.OptionsOf(FailoverProfile.Standard);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DateTimeOffset _origin;
    private readonly Timeline _inFlight = new();
    private readonly CommandTable _commands;
    private readonly RoleInvariants _invariants;
    private readonly bool _policyEdits;
    private readonly bool _standbys;
    private (NodeRegistry Registry, FailoverCoordinator Coordinator)? _standby;
    private TimeSpan? _controlPlaneBackAt;

    /// <param name="standbys">
    /// Each control plane that takes over was built at the previous one's start, as a standby instance
    /// is: built long before it loads the groups and decides.
    /// </param>
    /// <param name="profile">The control plane's failover profile; the agents heartbeat at the interval it is meant for.</param>
    public FailoverWorld(int seed, int nodes = 3, IsolationPolicy isolation = IsolationPolicy.Stop, bool policyEdits = false, bool standbys = false, FailoverProfile profile = FailoverProfile.Standard)
        : base(seed)
    {
        Settings = SimulatedGroup.OptionsOf(profile);
        HeartbeatInterval = FailoverTimings.Of(profile).AgentHeartbeatInterval;
        _standbys = standbys;
        _origin = _clock.GetUtcNow();
        _policyEdits = policyEdits;
        _commands = new CommandTable(_clock);
        (GroupId, Agents, Store) = SimulatedGroup.Create(Random, nodes, isolation, Settings, Now);
        _invariants = new RoleInvariants(GroupId, Agents, Store);
        StartControlPlane();
    }

    public event Action<CommandFinished>? Finished;

    public Guid GroupId { get; }

    /// <summary>The control plane's failover settings: its profile's lease and fence allowance.</summary>
    public FailoverOptions Settings { get; }

    /// <summary>How often every agent heartbeats.</summary>
    public TimeSpan HeartbeatInterval { get; }

    public override TimeSpan Now => _clock.GetUtcNow() - _origin;

    public List<SimulatedAgent> Agents { get; }

    public InMemoryFailoverStore Store { get; }

    public FailoverCoordinator? Coordinator { get; private set; }

    public NodeRegistry? Registry { get; private set; }

    /// <summary>Bumped at every control-plane start; messages to an earlier run are lost.</summary>
    public int ControlPlaneRun { get; private set; }

    public List<string> Violations => _invariants.Violations;

    public int ServicesUp => Agents.Count(a => a.ServiceUp);

    public int Completed => Store.Records.Count(r => r.Outcome == TransitionOutcome.Completed);

    /// <summary>Ends every fault: all agents up and connected, services repaired, the control plane running.</summary>
    public void Heal()
    {
        if (Coordinator is null)
        {
            StartControlPlane();
            _controlPlaneBackAt = null;
        }

        HealAgents(Agents);
    }

    /// <summary>An operator changes the group's isolation, as the groups API does (same epoch, newer terms).</summary>
    public void EditIsolation(IsolationPolicy isolation)
    {
        var edited = Store.Edit(isolation);
        Coordinator?.Upsert(edited);
    }

    public override void StepOnce()
    {
        _clock.Advance(Step);
        _inFlight.DeliverUpTo(Now);
        if (_controlPlaneBackAt is { } back && Now >= back)
        {
            StartControlPlane();
            _controlPlaneBackAt = null;
        }

        foreach (var agent in Agents)
        {
            agent.Supervise(Now, Random);
            Connect(agent);
            agent.AnswerSettled(GroupId, Now, (ticket, succeeded, message) => Reply(agent, ticket, succeeded, message));
            Heartbeat(agent);
            FinishStopping(agent);
        }

        DeliverCommands();
        if (Coordinator is not null && Registry is not null)
        {
            Registry.Sweep();
            if (Now.Ticks / Step.Ticks % 2 == 0)
            {
                Coordinator.DecideAllAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
        }

        _invariants.Check(Now);
    }

    // The control plane's side: the real coordinator and registry, an in-memory database and command queue.

    public Task<SubmitResult> SubmitAsync(NewCommand request, CancellationToken cancellationToken) => Task.FromResult(_commands.Submit(request));

    public Task SupersedeAsync(Guid groupId, long epoch, CancellationToken cancellationToken)
    {
        _commands.Supersede(groupId, epoch);
        return Task.CompletedTask;
    }

    private void StartControlPlane()
    {
        ControlPlaneRun++;
        (Registry, Coordinator) = _standby ?? BuildControlPlane();
        _standby = _standbys ? BuildControlPlane() : null;
        Coordinator.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();

        // Commands handed to a connection of the run that died are handed again (the queue is in the database).
        _commands.HandAgain();
    }

    private (NodeRegistry, FailoverCoordinator) BuildControlPlane()
    {
        var registry = new NodeRegistry(_clock, Microsoft.Extensions.Options.Options.Create(new LivenessPolicy()), new NodeJournal(), new NodeChangeFeed(_clock, TimeSpan.FromMilliseconds(250)), NullLogger<NodeRegistry>.Instance);
        return (registry, new FailoverCoordinator(Store, this, registry, Microsoft.Extensions.Options.Options.Create(Settings), _clock, NullLogger<FailoverCoordinator>.Instance));
    }

    /// <summary>The control plane stops on purpose, its handover running while the world goes on, and starts again after <paramref name="downFor"/>.</summary>
    public void RestartControlPlaneOnPurpose(TimeSpan downFor)
    {
        StepUntilDone(Coordinator!.HandOverAsync(CancellationToken.None));
        CrashControlPlane(downFor);
    }

    private void CrashControlPlane(TimeSpan? downFor = null)
    {
        Finished = null;
        Coordinator = null;
        Registry = null;
        _controlPlaneBackAt = Now + (downFor ?? TimeSpan.FromMilliseconds(Random.Next(200, 6000)));
        foreach (var agent in Agents)
        {
            agent.Connection = null;
            agent.AwaitingAck = null;
            agent.NextConnectAttempt = agent.Local(Now) + TimeSpan.FromMilliseconds(Random.Next(0, 3000));
        }
    }

    private void DeliverCommands()
    {
        foreach (var expired in _commands.Expire())
        {
            Finished?.Invoke(new CommandFinished(expired, AnsweredOn: null));
        }

        foreach (var queued in _commands.Queued.ToList())
        {
            var command = queued.Command;
            var agent = Agents.First(a => a.NodeId == command.NodeId);
            if (command.State != CommandState.Pending || agent.Connection?.ControlPlaneRun != ControlPlaneRun)
            {
                continue;
            }

            command.State = CommandState.Sent;
            var ticket = new StoredCommandTicket(command.Id, queued.Kind, queued.Grant.Epoch, ControlPlaneRun);
            ToAgent(agent, () => agent.Receive(queued.Kind, queued.Grant, ticket, Now, (answered, succeeded, message) => Reply(agent, answered, succeeded, message)));
        }
    }

    /// <summary>
    /// The answer goes on the agent's connection of the moment (none: it waits for the command to be
    /// delivered again). Some answers are slow, and some come again seconds later (an answer to a
    /// command that timed out, a repeat from the agent's journal): by then the epoch may have moved,
    /// the agent may have reconnected or restarted, or the member been activated again. Each one the
    /// coordinator hears about as the command pipeline reports it, with the connection it came on.
    /// </summary>
    private void Reply(SimulatedAgent agent, StoredCommandTicket ticket, bool succeeded, string message)
    {
        if (agent.Connection is not { } connection)
        {
            return;
        }

        var delay = Random.Next(4) == 0 ? TimeSpan.FromMilliseconds(Random.Next(250, 3000)) : TimeSpan.Zero;
        ToControlPlane(agent, delay, () =>
        {
            if (_commands.Finish(ticket.CommandId, succeeded, message) is not { } command)
            {
                return;
            }

            var finished = new CommandFinished(command, connection.Id);
            Finished?.Invoke(finished);
            if (Random.Next(3) == 0)
            {
                // The same answer again, later: the coordinator must not take it for news.
                var run = ControlPlaneRun;
                _inFlight.At(Now + TimeSpan.FromMilliseconds(Random.Next(1, 8000)), () => FinishAgain(run, finished));
            }
        }, outlivesSender: true);
    }

    /// <summary>An answer heard again, unless the control plane that sent the command is gone.</summary>
    private void FinishAgain(int controlPlaneRun, CommandFinished finished)
    {
        if (controlPlaneRun == ControlPlaneRun)
        {
            Finished?.Invoke(finished);
        }
    }

    private void Connect(SimulatedAgent agent)
    {
        var local = agent.Local(Now);
        if (!agent.Reachable || agent.Connection is not null || Registry is null || local < agent.NextConnectAttempt || agent.StoppingUntil is not null)
        {
            return;
        }

        agent.NextConnectAttempt = local + TimeSpan.FromMilliseconds(Random.Next(500, 3000));
        var connection = (Guid.NewGuid().ToString(), ControlPlaneRun);
        var run = agent.Run;
        ToControlPlane(agent, () =>
        {
            Registry.Register(agent.Registration(HeartbeatInterval), connection.Item1);
            var memberships = Coordinator!.MembershipsOf(agent.NodeId);
            _commands.HandAgain(agent.NodeId);

            ToAgent(agent, () =>
            {
                if (agent.Run == run)
                {
                    agent.Connection = connection;
                    agent.AwaitingAck = null;
                    agent.Book.LearnMemberships(memberships);
                }
            });
        });
    }

    private void Heartbeat(SimulatedAgent agent)
    {
        var local = agent.Local(Now);
        if (agent.AwaitingAck is { } awaiting && local - awaiting.SentAt > SimulatedAgent.CallTimeout)
        {
            // No acknowledgement in time: the call is given up (a late answer is dropped) and the connection with it.
            agent.AwaitingAck = null;
            agent.Connection = null;
        }

        if (!agent.Alive || agent.Connection is not { } connection || agent.AwaitingAck is not null || (local < agent.NextHeartbeat && !agent.HeartbeatWanted))
        {
            return;
        }

        agent.NextHeartbeat = local + HeartbeatInterval;
        agent.HeartbeatWanted = false;
        var heartbeat = agent.Heartbeat(Now);
        agent.AwaitingAck = (heartbeat.Sequence, local);
        ToControlPlane(agent, () =>
        {
            if (connection.ControlPlaneRun != ControlPlaneRun || !Registry!.TryRecordHeartbeat(agent.NodeId, connection.Id, heartbeat, out _))
            {
                return;
            }

            var leases = Coordinator!.LeasesFor(agent.NodeId, heartbeat.Roles ?? [], _clock.GetTimestamp());
            ToAgent(agent, () =>
            {
                if (agent.AwaitingAck is { } waiting && waiting.Sequence == heartbeat.Sequence)
                {
                    agent.AwaitingAck = null;
                    agent.Renew(leases, waiting.SentAt);
                }
            });
        });
    }

    private void FinishStopping(SimulatedAgent agent)
    {
        if (!agent.Alive || !agent.DoneStopping(Now))
        {
            return;
        }

        // One last heartbeat shows the role given up and the service down; the goodbye after it tells the control plane not to wait for the lease.
        if (agent.Connection is { } connection && !agent.Partitioned && connection.ControlPlaneRun == ControlPlaneRun)
        {
            var heartbeat = agent.Heartbeat(Now);
            ToControlPlane(agent, () =>
            {
                if (Registry!.TryRecordHeartbeat(agent.NodeId, connection.Id, heartbeat, out _))
                {
                    Coordinator!.LeasesFor(agent.NodeId, heartbeat.Roles ?? [], _clock.GetTimestamp());
                    Registry.Stopping(agent.NodeId, connection.Id);
                }
            }, outlivesSender: true);
        }

        agent.Kill();
    }

    protected override void Fault()
    {
        var agent = Agents[Random.Next(Agents.Count)];
        var fault = Random.Next(12);
        if (AgentFault(fault, agent, () => Disconnect(agent), () => Cut(agent)))
        {
            return;
        }

        switch (fault)
        {
            case 6 when Coordinator is not null:
                CrashControlPlane();
                break;
            case 7 when agent.Alive && agent.StoppingUntil is null:
                agent.BeginStopping(Now);
                break;
            case 9 or 10:
                // An operator (or a drill) asks for a switchover, whatever the group is doing.
                Coordinator?.RequestSwitchover(GroupId, new SwitchoverRequest(null, "switchover asked for by an operator"));
                break;
            case 8 when _policyEdits:
                EditIsolation(Random.Next(2) == 0 ? IsolationPolicy.Stop : IsolationPolicy.KeepRunning);
                break;
            default:
                // Latency spikes come from the message delays; nothing else to do.
                break;
        }
    }

    /// <summary>A silent cut: nothing gets through; each side notices only when its own timeout passes.</summary>
    private void Cut(SimulatedAgent agent)
    {
        agent.Partitioned = true;
        if (agent.Connection is { } connection)
        {
            var noticedAt = Now + TimeSpan.FromMilliseconds(Random.Next(100, 15_000));
            _inFlight.At(noticedAt, () =>
            {
                if (connection.ControlPlaneRun == ControlPlaneRun)
                {
                    Registry?.Disconnected(agent.NodeId, connection.Id);
                }
            });
        }
    }

    /// <summary>The agent's process ends: its connection closes, and the control plane sees it at once.</summary>
    private void Disconnect(SimulatedAgent agent)
    {
        if (agent.Connection is { } connection && connection.ControlPlaneRun == ControlPlaneRun)
        {
            Registry?.Disconnected(agent.NodeId, connection.Id);
        }
    }

    /// <param name="outlivesSender">The message was sent as the agent ends: it arrives even though the agent is gone by then.</param>
    private void ToControlPlane(SimulatedAgent agent, Action deliver, bool outlivesSender = false) => ToControlPlane(agent, TimeSpan.Zero, deliver, outlivesSender);

    /// <param name="delay">Added to the network's own random delay.</param>
    private void ToControlPlane(SimulatedAgent agent, TimeSpan delay, Action deliver, bool outlivesSender = false)
    {
        if (!agent.Reachable)
        {
            return;
        }

        var run = ControlPlaneRun;
        Later(delay, () =>
        {
            if (Coordinator is not null && run == ControlPlaneRun && !agent.Partitioned && (agent.Alive || outlivesSender))
            {
                deliver();
            }
        });
    }

    private void ToAgent(SimulatedAgent agent, Action deliver)
    {
        if (!agent.Reachable)
        {
            return;
        }

        var run = agent.Run;
        Later(() =>
        {
            if (agent.Reachable && agent.Run == run)
            {
                deliver();
            }
        });
    }

    private void Later(Action deliver) => Later(TimeSpan.Zero, deliver);

    private void Later(TimeSpan delay, Action deliver) => _inFlight.At(Now + delay + TimeSpan.FromMilliseconds(Random.Next(1, 250)), deliver);
}
