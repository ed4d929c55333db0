using System.Text.Json;
using Vigil.ControlPlane.Data.Configurations;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.Benchmarks.Fleet;

/// <summary>
/// The fleet itself: nodes with ten managed services each (their desired configuration), and failover
/// groups of two members each over a fifth of the nodes. Deterministic for a seed.
/// </summary>
public sealed class SimulatedFleet
{
    public const int ServicesPerNode = 10;
    public const int GroupSize = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] ServiceNames = ["web", "api", "worker", "scheduler", "cache", "queue", "reports", "sync", "gateway", "search"];

    private SimulatedFleet(IReadOnlyList<Node> nodes, IReadOnlyList<FailoverGroup> groups)
    {
        Nodes = nodes;
        Groups = groups;
    }

    public IReadOnlyList<Node> Nodes { get; }

    public IReadOnlyList<FailoverGroup> Groups { get; }

    public static string ServiceName(int index) => ServiceNames[index % ServiceNames.Length];

    public static SimulatedFleet Create(int nodeCount, DateTimeOffset since, DateTimeOffset now, Random random)
    {
        var nodes = Enumerable.Range(1, nodeCount).Select(n => new Node
        {
            Id = GuidFrom(random),
            Name = $"node-{n:D5}",
            AgentVersion = "1.4.2",
            OperatingSystem = "Microsoft Windows Server 2022 Datacenter 10.0.20348",
            ProcessorCount = 8,
            HeartbeatIntervalMs = 1_000,
            Labels = new() { ["site"] = $"site-{n % 12:D2}", ["role"] = ServiceName(n) },
            // Seen last before the control plane under test starts: it marks them Lost on its own.
            Liveness = NodeLiveness.Alive,
            FirstSeenAt = since,
            LastSeenAt = now,
            LivenessChangedAt = since,
        }).ToList();

        var groups = new List<FailoverGroup>();
        for (var first = 0; first + GroupSize <= nodeCount / 5; first += GroupSize)
        {
            var group = new FailoverGroup
            {
                Id = GuidFrom(random),
                Name = $"group-{groups.Count + 1:D4}",
                Isolation = IsolationPolicy.Stop,
                Failback = FailbackMode.Manual,
                CooldownSeconds = 300,
                MaxFailovers = 3,
                MaxFailoversPeriodSeconds = 3_600,
                RtoObjectiveSeconds = 60,
                DrillKind = DrillKind.Switchover,
                Epoch = 1,
                TermsVersion = 1,
                ActiveTermsVersion = 1,
                CreatedAt = since,
                UpdatedAt = since,
            };
            for (var m = 0; m < GroupSize; m++)
            {
                group.Members.Add(new FailoverGroupMember { Id = GuidFrom(random), GroupId = group.Id, NodeId = nodes[first + m].Id, Service = ServiceName(0), Priority = m + 1 });
            }

            group.ActiveMemberId = group.Members[0].Id;
            groups.Add(group);
        }

        return new SimulatedFleet(nodes, groups);
    }

    /// <summary>Each node's ten managed services as the control plane stores them for the agent.</summary>
    public IEnumerable<DesiredNodeConfiguration> Configurations(DateTimeOffset at) => Nodes.Select(node => new DesiredNodeConfiguration
    {
        NodeId = node.Id,
        Version = 1,
        ServicesJson = JsonSerializer.Serialize(Enumerable.Range(0, ServicesPerNode).Select(s => new ManagedServiceDefinition
        {
            Name = ServiceName(s),
            Kind = ServiceKinds.Windows,
            ServiceName = $"Contoso{ServiceName(s)}",
        }).ToList(), Json),
        UpdatedAt = at,
    });

    public static Guid GuidFrom(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        return new Guid(bytes);
    }
}
