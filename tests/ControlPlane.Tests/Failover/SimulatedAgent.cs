extern alias agent;
using agent::Vigil.Agent.Roles;
using agent::Vigil.Agent.Supervision.Machine;
using agent::Vigil.Agent.Supervision.Policy;
using agent::Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// One node of the simulation: an agent with the real <see cref="RoleBook"/> and the real
/// <see cref="SupervisionMachine"/> on its own monotonic clock (a different origin per node), and the
/// group's service, whose starts and stops take a while (sometimes a long while).
/// </summary>
internal sealed class SimulatedAgent(int index, Guid nodeId, Guid memberId, TimeSpan clockOffset)
{
    public const string Service = "web";

    /// <summary>How long the agent waits for a heartbeat's acknowledgement; a later one is dropped.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private static readonly SupervisionSettings Supervision = new(Service, RestartPolicy.Resolve(null, null), TimeSpan.FromSeconds(1));

    public int Index { get; } = index;

    public Guid NodeId { get; } = nodeId;

    public Guid MemberId { get; } = memberId;

    public bool Alive { get; private set; } = true;

    public bool Partitioned { get; set; }

    /// <summary>Bumped at every agent start; messages of an earlier run are not delivered to a later one.</summary>
    public int Run { get; private set; }

    public RoleBook Book { get; private set; } = new();

    /// <summary>The roles file on disk: what survives an agent restart.</summary>
    public List<GroupRole> Stored { get; private set; } = [];

    public SimulatedService Process { get; } = new();

    public SupervisionState State { get; private set; } = SupervisionState.Initial;

    public ServiceHealth Health { get; private set; } = ServiceHealth.Unknown;

    /// <summary>The connection that speaks for the node, and the control-plane run it is registered with.</summary>
    public (string Id, int ControlPlaneRun)? Connection { get; set; }

    public TimeSpan NextConnectAttempt { get; set; }

    public TimeSpan NextHeartbeat { get; set; }

    public bool HeartbeatWanted { get; set; }

    public long Sequence { get; set; }

    /// <summary>The heartbeat whose acknowledgement the agent waits for (local send time), before it sends the next.</summary>
    public (long Sequence, TimeSpan SentAt)? AwaitingAck { get; set; }

    /// <summary>The agent stands down before it stops: it keeps heartbeating until its services are fenced or this instant passes.</summary>
    public TimeSpan? StoppingUntil { get; private set; }

    /// <summary>Role commands waiting for the service to come up (Activate) or go down (Deactivate) before they answer.</summary>
    public List<(StoredCommandTicket Ticket, TimeSpan Deadline)> Answering { get; } = [];

    public bool Reachable => Alive && !Partitioned;

    public bool ServiceUp => Process.Up;

    public TimeSpan Local(TimeSpan worldNow) => worldNow + clockOffset;

    /// <summary>What a Deactivate waits for before it confirms: the service down with no operation under way, while the role forbids a start.</summary>
    public bool HeldStopped(TimeSpan worldNow) => Alive && !Process.Up && State.Running is null && !Book.PermissionFor(Service, Local(worldNow)).MayStart;

    public AgentRegistration Registration(TimeSpan heartbeatInterval) => new()
    {
        ProtocolVersion = ProtocolVersions.Current,
        NodeId = NodeId,
        NodeName = $"node-{Index}",
        AgentVersion = "1.0.0",
        OperatingSystem = "Windows Server 2022",
        ProcessorCount = 2,
        HeartbeatIntervalMs = (int)heartbeatInterval.TotalMilliseconds,
    };

    /// <summary>A role command arrives: a refusal or a Release is answered at once, any other waits for its outcome (<see cref="AnswerSettled"/>).</summary>
    public void Receive(CommandKind kind, RoleGrant grant, StoredCommandTicket ticket, TimeSpan worldNow, Action<StoredCommandTicket, bool, string> answer)
    {
        var refusal = Apply(kind, grant);
        if (refusal is not null || kind == CommandKind.Release)
        {
            answer(ticket, refusal is null, refusal ?? "released");
            return;
        }

        HeartbeatWanted |= kind == CommandKind.Activate;
        Answering.Add((ticket, worldNow + TimeSpan.FromSeconds(30)));
    }

    /// <summary>The role commands whose outcome is known now answer.</summary>
    public void AnswerSettled(Guid groupId, TimeSpan worldNow, Action<StoredCommandTicket, bool, string> answer)
    {
        foreach (var waiting in Answering.ToList())
        {
            if (Outcome(waiting.Ticket, waiting.Deadline, groupId, worldNow) is { } succeeded)
            {
                Answering.Remove(waiting);
                answer(waiting.Ticket, succeeded, succeeded ? "done" : "failed");
            }
        }
    }

    /// <summary>
    /// Role commands answer once their service is up (Activate) or, as the agent's command executor
    /// has it, held down as a standby: seen stopped with no start under way while the role forbids one
    /// (Deactivate); null while the command still waits.
    /// </summary>
    private bool? Outcome(StoredCommandTicket ticket, TimeSpan deadline, Guid groupId, TimeSpan worldNow)
    {
        var role = Book.Find(groupId);
        return ticket.Kind switch
        {
            _ when worldNow > deadline => false,
            CommandKind.Activate when role is not { Active: true } || role.Epoch != ticket.Epoch => false,
            CommandKind.Activate when Process.Broken => false,
            CommandKind.Activate => ServiceUp && !Process.Starting ? true : null,
            _ => HeldStopped(worldNow) ? true : null,
        };
    }

    public bool HoldsValidRole(Guid groupId, TimeSpan worldNow) => Alive && Book.Find(groupId) is { } role && role.HoldsLease(Local(worldNow));

    public string? Apply(CommandKind kind, RoleGrant grant)
    {
        var refusal = Book.Apply(kind, grant, Service);
        if (refusal is null)
        {
            Stored = [.. Book.Roles];
        }

        return refusal;
    }

    public void Renew(IReadOnlyList<LeaseRenewal> renewals, TimeSpan sentAt)
    {
        Book.Renew(renewals, sentAt);
        Stored = [.. Book.Roles];
    }

    /// <summary>The agent process dies; the service, bound to it (a process service in a job object), dies with it.</summary>
    public void Kill()
    {
        Alive = false;
        StoppingUntil = null;
        Connection = null;
        AwaitingAck = null;
        Process.Die();
        Answering.Clear();
    }

    public void Start(TimeSpan worldNow)
    {
        Alive = true;
        Run++;
        Book = new RoleBook(Stored);
        State = SupervisionState.Initial;
        NextHeartbeat = Local(worldNow);
        NextConnectAttempt = Local(worldNow);
    }

    /// <summary>A graceful stop (SIGTERM, the SCM's stop): roles given up and fenced first, goodbye after.</summary>
    public void BeginStopping(TimeSpan worldNow)
    {
        Book.StandDown();
        StoppingUntil = worldNow + TimeSpan.FromSeconds(2);
        HeartbeatWanted = true;
    }

    /// <summary>The stop may end: the fenced services are down, or the wait for them is over.</summary>
    public bool DoneStopping(TimeSpan worldNow) => StoppingUntil is { } until && (!Process.Up || worldNow >= until);

    /// <summary>One step of the real supervision, its effects carried out on the simulated service.</summary>
    public void Supervise(TimeSpan worldNow, Random random)
    {
        if (!Alive)
        {
            return;
        }

        var completed = Process.Advance(worldNow);
        var step = SupervisionMachine.Step(Supervision, State, new SupervisionInputs
        {
            Now = Local(worldNow),
            Observation = Process.Observe(),
            Permission = Book.PermissionFor(Service, Local(worldNow)),
            Completed = completed,
            Random = random.NextDouble(),
        });
        State = step.State;
        Health = step.Health;
        foreach (var effect in step.Effects)
        {
            switch (effect)
            {
                case SupervisionEffect.Begin begin:
                    Process.Begin(begin.Operation.Kind, worldNow, random);
                    break;
                case SupervisionEffect.CancelOperation:
                    Process.Cancel();
                    break;
            }
        }
    }

    public AgentHeartbeat Heartbeat(TimeSpan worldNow) => new()
    {
        Sequence = ++Sequence,
        Host = new HostMetrics { CpuPercent = 1, MemoryTotalBytes = 1 << 30, MemoryAvailableBytes = 1 << 29, UptimeSeconds = 100 },
        Services = [new ServiceReport { Name = Service, Kind = ServiceKinds.Process, State = Process.Observe().State, Health = Health, Reason = "simulated" }],
        Roles = Book.Reports(Local(worldNow), _ => Process.Up),
    };
}

/// <summary>A role command on its way to an agent: what the agent answers refers to it.</summary>
internal sealed record StoredCommandTicket(Guid CommandId, CommandKind Kind, long Epoch, int ControlPlaneRun);

/// <summary>
/// The group's service as the operating system would run it: a start may stay pending for seconds, a
/// stop may fail, a kill always works; a broken service exits and cannot start.
/// </summary>
internal sealed class SimulatedService
{
    private (OperationKind Kind, TimeSpan EndsAt)? _operation;
    private OperationResult? _cancelled;

    public bool Up { get; private set; }

    public bool Starting => _operation is { Kind: OperationKind.Start } && Up;

    public bool Broken { get; set; }

    /// <summary>Its stops time out (a service that ignores the stop request): only a kill ends it.</summary>
    public bool Stubborn { get; set; }

    public ServiceObservation Observe() => new() { State = !Up ? ServiceState.Stopped : Starting ? ServiceState.StartPending : ServiceState.Running };

    public void Die()
    {
        Up = false;
        _operation = null;
        _cancelled = null;
    }

    public void Begin(OperationKind kind, TimeSpan now, Random random)
    {
        _cancelled = null;
        var takes = kind switch
        {
            OperationKind.Start when random.Next(10) == 0 => TimeSpan.FromMilliseconds(random.Next(3000, 12_000)),
            OperationKind.Start => TimeSpan.FromMilliseconds(random.Next(50, 400)),
            OperationKind.Stop when Stubborn => TimeSpan.FromSeconds(2),
            OperationKind.Stop => TimeSpan.FromMilliseconds(random.Next(0, 450)),
            _ => TimeSpan.FromMilliseconds(random.Next(0, 50)),
        };
        if (kind == OperationKind.Start)
        {
            Up = !Broken;
        }

        _operation = (kind, now + takes);
    }

    /// <summary>The operation under way is cut short: its end comes back as Cancelled at the next step; a started process stays up.</summary>
    public void Cancel()
    {
        if (_operation is not null)
        {
            _operation = null;
            _cancelled = OperationResult.Cancelled;
        }
    }

    /// <summary>Moves the service on to <paramref name="now"/>; the end of the operation under way, once it has ended.</summary>
    public OperationResult? Advance(TimeSpan now)
    {
        if (Broken && Up && _operation is not { Kind: OperationKind.Start })
        {
            Up = false;
        }

        if (_cancelled is { } cancelled)
        {
            _cancelled = null;
            return cancelled;
        }

        if (_operation is not { } operation || now < operation.EndsAt)
        {
            return null;
        }

        _operation = null;
        switch (operation.Kind)
        {
            case OperationKind.Start when Broken:
                Up = false;
                return new OperationResult.Failure("the service exited as it started");
            case OperationKind.Stop when Stubborn:
                return new OperationResult.Failure("the service did not stop within 2 s (still StopPending)");
            case OperationKind.Stop or OperationKind.Kill:
                Up = false;
                return OperationResult.Succeeded;
            default:
                return OperationResult.Succeeded;
        }
    }
}
