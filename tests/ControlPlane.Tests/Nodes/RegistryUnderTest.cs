using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Health;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;

namespace Vigil.ControlPlane.Tests.Nodes;

/// <summary>A <see cref="NodeRegistry"/> on a fake clock, with its journal and change feed at hand.</summary>
internal sealed class RegistryUnderTest
{
    public RegistryUnderTest(LivenessPolicy? policy = null)
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        Feed = new NodeChangeFeed(Clock, TimeSpan.FromMilliseconds(250));
        Registry = new NodeRegistry(Clock, Options.Create(policy ?? new LivenessPolicy()), Journal, Feed, NullLogger<NodeRegistry>.Instance);
    }

    public FakeTimeProvider Clock { get; }

    public NodeJournal Journal { get; } = new();

    public NodeChangeFeed Feed { get; }

    public NodeRegistry Registry { get; }

    public static AgentRegistration Registration(Guid nodeId, string name = "web-01", int intervalMs = 1000) => new()
    {
        ProtocolVersion = ProtocolVersions.Current,
        NodeId = nodeId,
        NodeName = name,
        AgentVersion = "1.0.0",
        OperatingSystem = "Windows Server 2022",
        ProcessorCount = 4,
        HeartbeatIntervalMs = intervalMs,
    };

    public static AgentHeartbeat Heartbeat(long sequence, double cpu = 10) => new()
    {
        Sequence = sequence,
        Host = new HostMetrics { CpuPercent = cpu, MemoryTotalBytes = 1000, MemoryAvailableBytes = 400, UptimeSeconds = 10 },
    };

    public static Node Stored(Guid id, NodeLiveness liveness) => new()
    {
        Id = id,
        Name = "stored-01",
        AgentVersion = "0.9.0",
        OperatingSystem = "Windows Server 2019",
        ProcessorCount = 2,
        HeartbeatIntervalMs = 1000,
        Liveness = liveness,
        FirstSeenAt = DateTimeOffset.UnixEpoch,
        LastSeenAt = DateTimeOffset.UnixEpoch,
        LivenessChangedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>Moves the clock forward in sweep-sized steps, sweeping after each, as the host does.</summary>
    public void Elapse(TimeSpan duration, TimeSpan? step = null)
    {
        var tick = step ?? TimeSpan.FromMilliseconds(250);
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += tick)
        {
            Clock.Advance(tick < duration - elapsed ? tick : duration - elapsed);
            Registry.Sweep();
        }
    }

    public NodeLiveness LivenessOf(Guid nodeId) => Registry.Find(nodeId)!.Liveness;

    public List<NodeJournalEntry> DrainJournal()
    {
        var entries = new List<NodeJournalEntry>();
        while (Journal.Reader.TryRead(out var entry))
        {
            entries.Add(entry);
        }

        return entries;
    }

    public List<LivenessTransition> DrainTransitions() =>
        DrainJournal().OfType<NodeLivenessChanged>().Select(e => e.Transition).ToList();
}
