using Vigil.Agent.Roles;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// A seeded world of one control plane and a few agents on a fake clock, with message latency,
/// agent and control plane crashes, network partitions and services that fail for good. After every
/// step it checks the invariants: never two members holding a valid active role, never two services
/// running, epochs only grow.
/// </summary>
internal sealed class FailoverWorld
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);
    private readonly Random _random;
    private readonly List<(TimeSpan At, long Order, Action Deliver)> _inFlight = [];
    private readonly Dictionary<Guid, long> _highestEpoch = [];
    private long _order;
    private long _controlPlaneEpoch;
    private int _controlPlaneRun;
    private TimeSpan? _controlPlaneBackAt;

    public FailoverWorld(int seed, int nodes = 3, GroupPolicy? policy = null)
    {
        _random = new Random(seed);
        GroupId = Guid.NewGuid();
        Agents = [.. Enumerable.Range(0, nodes).Select(i => new SimulatedAgent(i, Guid.NewGuid(), Guid.NewGuid(), TimeSpan.FromSeconds(_random.Next(0, 100_000))))];
        foreach (var agent in Agents)
        {
            // The group existed before: every member has been told it stands by at epoch 0.
            agent.Apply(CommandKind.Deactivate, new RoleGrant { GroupId = GroupId, GroupName = "sim", Epoch = 0, LeaseMs = 3000, Isolation = policy?.Isolation ?? IsolationPolicy.Stop });
            agent.Start(Now);
        }

        ControlPlane = new SimulatedControlPlane(GroupId, Agents, policy ?? new GroupPolicy { Cooldown = TimeSpan.FromSeconds(5), MaxFailovers = 1000 });
    }

    public Guid GroupId { get; }

    public TimeSpan Now { get; private set; }

    public List<SimulatedAgent> Agents { get; }

    public SimulatedControlPlane ControlPlane { get; }

    public List<string> Violations { get; } = [];

    public int Running => Agents.Count(a => a.Running);

    public void Run(TimeSpan duration, double faultsPerSecond = 0)
    {
        var end = Now + duration;
        while (Now < end)
        {
            if (faultsPerSecond > 0 && _random.NextDouble() < faultsPerSecond * Step.TotalSeconds)
            {
                Fault();
            }

            StepOnce();
        }
    }

    /// <summary>Ends every fault: all agents up and connected, services repaired, the control plane running.</summary>
    public void Heal()
    {
        if (!ControlPlane.Up)
        {
            ControlPlane.Restart(Now);
            _controlPlaneBackAt = null;
        }

        foreach (var agent in Agents)
        {
            agent.Partitioned = false;
            agent.Broken = false;
            if (!agent.Alive)
            {
                agent.Start(Now);
            }
        }
    }

    public void StepOnce()
    {
        Now += Step;
        foreach (var (_, _, deliver) in _inFlight.Where(m => m.At <= Now).OrderBy(m => m.At).ThenBy(m => m.Order).ToList())
        {
            deliver();
        }

        _inFlight.RemoveAll(m => m.At <= Now);
        if (_controlPlaneBackAt is { } back && Now >= back)
        {
            ControlPlane.Restart(Now);
            _controlPlaneBackAt = null;
        }

        foreach (var agent in Agents)
        {
            agent.Supervise(Now, _random);
            Answer(agent);
            Heartbeat(agent);
        }

        if (Now.Ticks / Step.Ticks % 2 == 0)
        {
            ControlPlane.Decide(Now, SendCommand);
        }

        Check();
    }

    private void Fault()
    {
        var agent = Agents[_random.Next(Agents.Count)];
        switch (_random.Next(8))
        {
            case 0 when agent.Alive:
                agent.Kill();
                break;
            case 1 when !agent.Alive:
                agent.Start(Now);
                break;
            case 2:
                agent.Partitioned = true;
                break;
            case 3:
                agent.Partitioned = false;
                break;
            case 4 when agent.Running:
                agent.Broken = true;
                break;
            case 5:
                agent.Broken = false;
                break;
            case 6 when ControlPlane.Up:
                ControlPlane.Crash();
                _controlPlaneRun++;
                _controlPlaneBackAt = Now + TimeSpan.FromMilliseconds(_random.Next(200, 6000));
                break;
            default:
                // Latency spikes come from the message delays; nothing else to do.
                break;
        }
    }

    private void Heartbeat(SimulatedAgent agent)
    {
        var local = agent.Local(Now);
        if (!agent.Alive || (local < agent.NextHeartbeat && !agent.HeartbeatWanted))
        {
            return;
        }

        agent.NextHeartbeat = local + TimeSpan.FromSeconds(1);
        agent.HeartbeatWanted = false;
        var (sentAt, roles, health, up, run, controlPlaneRun) = (local, agent.Reports(Now), agent.Health, agent.Running || agent.StopsAt is not null, agent.Run, _controlPlaneRun);
        ToControlPlane(agent, controlPlaneRun, () =>
        {
            var renewals = ControlPlane.Heartbeat(agent, roles, health, up, Now);
            ToAgent(agent, run, () => agent.Book.Renew(renewals, sentAt));
        });
    }

    private void SendCommand(SimulatedAgent agent, CommandKind kind, RoleGrant grant)
    {
        var controlPlaneRun = _controlPlaneRun;
        ToAgent(agent, agent.Run, () =>
        {
            var refusal = agent.Apply(kind, grant);
            if (refusal is not null)
            {
                Reply(agent, controlPlaneRun, kind, grant.Epoch, succeeded: false, refusal);
                return;
            }

            agent.HeartbeatWanted |= kind == CommandKind.Activate;
            agent.Answering.Add((Guid.NewGuid(), kind, Now + TimeSpan.FromSeconds(30)));
            _answerTo[agent.Answering[^1].CommandId] = (grant.Epoch, controlPlaneRun);
        });
    }

    private readonly Dictionary<Guid, (long Epoch, int ControlPlaneRun)> _answerTo = [];

    /// <summary>Role commands answer once their service is up (Activate) or down (Deactivate).</summary>
    private void Answer(SimulatedAgent agent)
    {
        foreach (var waiting in agent.Answering.ToList())
        {
            var (epoch, controlPlaneRun) = _answerTo[waiting.CommandId];
            var role = agent.Book.Find(GroupId);
            bool? outcome = waiting.Kind switch
            {
                _ when Now > waiting.Deadline => false,
                CommandKind.Activate when role is not { Active: true } || role.Epoch != epoch => false,
                CommandKind.Activate when agent.Broken => false,
                CommandKind.Activate => agent.Running ? true : null,
                _ => !agent.Running && agent.StopsAt is null ? true : null,
            };
            if (outcome is { } succeeded)
            {
                agent.Answering.Remove(waiting);
                Reply(agent, controlPlaneRun, waiting.Kind, epoch, succeeded, succeeded ? "done" : "failed");
            }
        }
    }

    private void Reply(SimulatedAgent agent, int controlPlaneRun, CommandKind kind, long epoch, bool succeeded, string message) =>
        ToControlPlane(agent, controlPlaneRun, () =>
        {
            if (kind == CommandKind.Activate)
            {
                ControlPlane.ActivateAnswered(agent, epoch, succeeded, message);
            }
            else
            {
                ControlPlane.DeactivateAnswered(agent, epoch, succeeded);
            }
        });

    private void ToControlPlane(SimulatedAgent agent, int controlPlaneRun, Action deliver)
    {
        if (agent.Partitioned)
        {
            return;
        }

        Later(() =>
        {
            if (ControlPlane.Up && controlPlaneRun == _controlPlaneRun && !agent.Partitioned && agent.Alive)
            {
                deliver();
            }
        });
    }

    private void ToAgent(SimulatedAgent agent, int run, Action deliver)
    {
        if (agent.Partitioned || !agent.Alive)
        {
            return;
        }

        Later(() =>
        {
            if (agent.Alive && agent.Run == run && !agent.Partitioned)
            {
                deliver();
            }
        });
    }

    private void Later(Action deliver) => _inFlight.Add((Now + TimeSpan.FromMilliseconds(_random.Next(1, 250)), _order++, deliver));

    private void Check()
    {
        var holders = Agents.Where(a => a.HoldsValidRole(GroupId, Now)).Select(a => a.Index).ToList();
        if (holders.Count > 1)
        {
            Violations.Add($"{Now}: nodes {string.Join(", ", holders)} hold a valid active role at once");
        }

        var running = Agents.Where(a => a.Running).Select(a => a.Index).ToList();
        if (running.Count > 1)
        {
            Violations.Add($"{Now}: the service runs on nodes {string.Join(", ", running)} at once");
        }

        if (ControlPlane.Epoch < _controlPlaneEpoch)
        {
            Violations.Add($"{Now}: the group's epoch went down from {_controlPlaneEpoch} to {ControlPlane.Epoch}");
        }

        _controlPlaneEpoch = ControlPlane.Epoch;
        foreach (var agent in Agents)
        {
            var epoch = (agent.Alive ? agent.Book.Find(GroupId) : agent.Stored.FirstOrDefault(r => r.GroupId == GroupId))?.Epoch ?? 0;
            if (epoch < _highestEpoch.GetValueOrDefault(agent.NodeId))
            {
                Violations.Add($"{Now}: node {agent.Index} went back from epoch {_highestEpoch[agent.NodeId]} to {epoch}");
            }

            _highestEpoch[agent.NodeId] = epoch;
        }
    }
}
