using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Data.Audit;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Events;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Messages;

namespace Vigil.Benchmarks.Fleet;

/// <summary>
/// One simulated day of a fleet's history, as the control plane would have stored it. Rates per day:
/// each node reports about <see cref="EventsPerNode"/> service events (exits, restarts, probe
/// failures) spread over the day; one storm hits a tenth of the nodes (a site loses its network for a
/// few minutes: every service of each node exits, restarts and starts, the node goes Suspect and back,
/// a NodeSuspect alert fires and resolves, and some groups fail over); operators and automation make
/// <see cref="AuditEntries"/> audited calls and <see cref="Commands"/> commands.
/// </summary>
public sealed class FleetDay(SimulatedFleet fleet, DateTimeOffset start, Random random, long[] sequences)
{
    public const int EventsPerNode = 4;
    public const double StormShare = 0.1;
    public const int AuditEntries = 5_000;
    public const int Commands = 2_000;
    public const int ServiceAlerts = 200;

    private static readonly AgentEventKind[] EverydayKinds =
        [AgentEventKind.ServiceExited, AgentEventKind.ServiceRestarting, AgentEventKind.ServiceStarted, AgentEventKind.ProbeFailed, AgentEventKind.ProbeRecovered, AgentEventKind.ServiceStopped];

    private static readonly string[] AuditActions = ["SendCommand", "UpdateConfiguration", "StartMaintenance", "EndMaintenance", "Switchover", "AcknowledgeAlert", "CreateSilence", "SignIn"];

    private static readonly string[] Actors = ["alice", "bob", "key:deploy-pipeline", "key:cmdb-sync", "carol"];

    private static readonly string[] CommandKinds = ["Restart", "Start", "Stop"];

    private readonly List<Node> _stormNodes = [.. fleet.Nodes.Skip(random.Next(fleet.Nodes.Count)).Concat(fleet.Nodes).Take((int)(fleet.Nodes.Count * StormShare))];

    private readonly Dictionary<Guid, int> _indexes = fleet.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i);

    private readonly DateTimeOffset _stormAt = start + TimeSpan.FromMinutes(random.Next(60, 23 * 60));

    public IReadOnlyList<StoredEvent> Events()
    {
        var events = new List<StoredEvent>(fleet.Nodes.Count * (EventsPerNode + 1));
        for (var n = 0; n < fleet.Nodes.Count; n++)
        {
            var count = random.Next(EventsPerNode * 2 + 1);
            for (var i = 0; i < count; i++)
            {
                var kind = EverydayKinds[random.Next(EverydayKinds.Length)];
                events.Add(Event(n, At(random.NextDouble() * 86_400), kind, SimulatedFleet.ServiceName(random.Next(SimulatedFleet.ServicesPerNode))));
            }
        }

        foreach (var node in _stormNodes)
        {
            var n = _indexes[node.Id];
            for (var s = 0; s < SimulatedFleet.ServicesPerNode; s++)
            {
                var at = _stormAt + TimeSpan.FromSeconds(random.Next(300));
                events.Add(Event(n, at, AgentEventKind.ServiceExited, SimulatedFleet.ServiceName(s)));
                events.Add(Event(n, at + TimeSpan.FromSeconds(1), AgentEventKind.ServiceRestarting, SimulatedFleet.ServiceName(s)));
                events.Add(Event(n, at + TimeSpan.FromSeconds(4), AgentEventKind.ServiceStarted, SimulatedFleet.ServiceName(s)));
            }
        }

        // Stored in the order they arrived, as the event writer stores them.
        events.Sort((a, b) => a.ReceivedAt.CompareTo(b.ReceivedAt));
        return events;
    }

    public IReadOnlyList<NodeLivenessChange> LivenessChanges() => [.. _stormNodes.SelectMany(node => new[]
    {
        new NodeLivenessChange { NodeId = node.Id, From = NodeLiveness.Alive, To = NodeLiveness.Suspect, At = _stormAt, Reason = "no heartbeat for 5 s" },
        new NodeLivenessChange { NodeId = node.Id, From = NodeLiveness.Suspect, To = NodeLiveness.Alive, At = _stormAt + TimeSpan.FromMinutes(4), Reason = "heartbeat received" },
    })];

    public IReadOnlyList<AuditEntry> AuditLog()
    {
        var entries = Enumerable.Range(0, AuditEntries).Select(_ =>
        {
            var node = fleet.Nodes[random.Next(fleet.Nodes.Count)];
            return new AuditEntry
            {
                At = At(random.NextDouble() * 86_400),
                Actor = Actors[random.Next(Actors.Length)],
                Action = AuditActions[random.Next(AuditActions.Length)],
                Target = $"node {node.Name} service {SimulatedFleet.ServiceName(random.Next(SimulatedFleet.ServicesPerNode))}",
                SourceAddress = $"10.20.{random.Next(256)}.{random.Next(256)}",
                Outcome = random.Next(50) == 0 ? "Denied" : "Succeeded",
            };
        }).ToList();
        entries.Sort((a, b) => a.At.CompareTo(b.At));
        return entries;
    }

    public IReadOnlyList<StoredCommand> CommandLog() => [.. Enumerable.Range(0, Commands).Select(_ =>
    {
        var node = fleet.Nodes[random.Next(fleet.Nodes.Count)];
        var created = At(random.NextDouble() * 86_400);
        return new StoredCommand
        {
            Id = SimulatedFleet.GuidFrom(random),
            NodeId = node.Id,
            Service = SimulatedFleet.ServiceName(random.Next(SimulatedFleet.ServicesPerNode)),
            Kind = CommandKinds[random.Next(CommandKinds.Length)],
            State = random.Next(20) == 0 ? CommandState.Failed : CommandState.Succeeded,
            Origin = "api",
            TimeoutMs = 30_000,
            Attempts = 1,
            CreatedAt = created,
            ExpiresAt = created + TimeSpan.FromMinutes(10),
            SentAt = created,
            AnswerDueAt = created + TimeSpan.FromSeconds(30),
            CompletedAt = created + TimeSpan.FromSeconds(2),
            Message = "done",
        };
    }).OrderBy(c => c.CreatedAt)];

    /// <summary>A NodeSuspect alert per node of the storm and some service alerts, all resolved, each told to one channel when fired and when resolved.</summary>
    public (IReadOnlyList<StoredAlert> Alerts, IReadOnlyList<AlertDelivery> Deliveries) AlertLog(Guid ruleId, Guid channelId)
    {
        var alerts = new List<StoredAlert>();
        var deliveries = new List<AlertDelivery>();
        var targets = _stormNodes.Select(n => (Node: n, At: _stormAt + TimeSpan.FromSeconds(5), Condition: AlertCondition.NodeSuspect, Service: (string?)null))
            .Concat(Enumerable.Range(0, ServiceAlerts).Select(_ => (Node: fleet.Nodes[random.Next(fleet.Nodes.Count)], At: At(random.NextDouble() * 86_400), Condition: AlertCondition.ServiceUnhealthy, Service: (string?)SimulatedFleet.ServiceName(random.Next(SimulatedFleet.ServicesPerNode)))));
        foreach (var (node, firedAt, condition, service) in targets)
        {
            var target = new AlertTarget { Key = service is null ? $"node:{node.Id}" : $"service:{node.Id}:{service}", NodeId = node.Id, NodeName = node.Name, Service = service };
            var alert = new Alert
            {
                Id = SimulatedFleet.GuidFrom(random),
                RuleId = ruleId,
                RuleName = "fleet",
                Condition = condition,
                Severity = AlertSeverity.Warning,
                Target = target,
                Status = AlertStatus.Resolved,
                Summary = service is null ? $"node {node.Name} is not heard from" : $"service {service} on node {node.Name} is unhealthy",
                Since = firedAt,
                FiredAt = firedAt,
                LastOccurredAt = firedAt,
                LastNotifiedAt = firedAt,
                ResolvedAt = firedAt + TimeSpan.FromMinutes(4),
                Resolution = "the condition cleared",
            };
            var document = AlertJson.Write(alert);
            alerts.Add(new StoredAlert
            {
                Id = alert.Id,
                RuleId = ruleId,
                TargetKey = target.Key,
                Status = alert.Status.ToString(),
                Severity = alert.Severity.ToString(),
                Condition = alert.Condition.ToString(),
                Summary = alert.Summary,
                FiredAt = alert.FiredAt,
                ResolvedAt = alert.ResolvedAt,
                Document = document,
            });
            foreach (var (kind, at) in new[] { ("Fired", firedAt), ("Resolved", alert.ResolvedAt!.Value) })
            {
                deliveries.Add(new AlertDelivery
                {
                    Id = SimulatedFleet.GuidFrom(random),
                    AlertId = alert.Id,
                    ChannelId = channelId,
                    Notification = kind,
                    Alert = document,
                    State = AlertDeliveryState.Sent,
                    Attempts = 1,
                    CreatedAt = at,
                    LastAttemptAt = at,
                    DeliveredAt = at,
                });
            }
        }

        return (alerts, deliveries);
    }

    /// <summary>The groups with a member in the storm fail over to their standby (and back by switchover later that day).</summary>
    public IReadOnlyList<FailoverRecord> FailoverHistory()
    {
        var stormed = _stormNodes.Select(n => n.Id).ToHashSet();
        var records = new List<FailoverRecord>();
        foreach (var group in fleet.Groups.Where(g => g.Members.Any(m => stormed.Contains(m.NodeId))))
        {
            var (from, to) = (group.Members[0], group.Members[1]);
            records.Add(Transition(group, TransitionKind.Failover, from, to, _stormAt + TimeSpan.FromSeconds(8), "the active member's node is Lost"));
            records.Add(Transition(group, TransitionKind.Switchover, to, from, _stormAt + TimeSpan.FromHours(2), "an operator asked for it"));
        }

        return records;
    }

    private FailoverRecord Transition(FailoverGroup group, TransitionKind kind, FailoverGroupMember from, FailoverGroupMember to, DateTimeOffset at, string reason) => new()
    {
        GroupId = group.Id,
        Kind = kind,
        FromNodeId = from.NodeId,
        ToNodeId = to.NodeId,
        Service = to.Service,
        Epoch = ++group.Epoch,
        Reason = reason,
        DetectedAt = at,
        DecidedAt = at + TimeSpan.FromMilliseconds(50),
        CommandedAt = at + TimeSpan.FromMilliseconds(60),
        ConfirmedAt = at + TimeSpan.FromSeconds(3),
        RtoMs = 3_000 + random.Next(2_000),
        Outcome = TransitionOutcome.Completed,
    };

    private StoredEvent Event(int node, DateTimeOffset at, AgentEventKind kind, string service) => new()
    {
        NodeId = fleet.Nodes[node].Id,
        Sequence = ++sequences[node],
        OccurredAt = at,
        ReceivedAt = at + TimeSpan.FromMilliseconds(random.Next(5, 900)),
        Kind = kind.ToString(),
        Service = service,
        Message = kind switch
        {
            AgentEventKind.ServiceExited => $"{service} exited with code 1",
            AgentEventKind.ServiceRestarting => $"restarting {service} in 1 s (attempt 1)",
            AgentEventKind.ProbeFailed => $"http probe of {service} failed: timed out after 2 s",
            _ => $"{service}: {kind}",
        },
        ExitCode = kind == AgentEventKind.ServiceExited ? 1 : null,
    };

    private DateTimeOffset At(double seconds) => start + TimeSpan.FromSeconds(seconds);
}
