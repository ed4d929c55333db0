using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>Writes a node with a liveness change through one context and reads both back through another.</summary>
internal static class StoredNodes
{
    public static Node Sample() => new()
    {
        Id = Guid.NewGuid(),
        Name = "web-01.example.internal",
        AgentVersion = "1.4.2",
        OperatingSystem = "Microsoft Windows Server 2022 10.0.20348",
        ProcessorCount = 8,
        HeartbeatIntervalMs = 5000,
        Labels = new() { ["site"] = "paris", ["role"] = "web" },
        Liveness = NodeLiveness.Suspect,
        FirstSeenAt = new DateTimeOffset(2026, 11, 23, 8, 0, 0, 125, TimeSpan.Zero),
        LastSeenAt = new DateTimeOffset(2026, 11, 23, 9, 30, 15, 250, TimeSpan.Zero),
        LivenessChangedAt = new DateTimeOffset(2026, 11, 23, 9, 30, 20, 500, TimeSpan.Zero),
    };

    public static async Task AssertRoundTripAsync(Func<VigilDbContext> open, CancellationToken cancellationToken)
    {
        var node = Sample();
        var change = new NodeLivenessChange
        {
            NodeId = node.Id,
            From = NodeLiveness.Alive,
            To = NodeLiveness.Suspect,
            At = node.LivenessChangedAt,
            Reason = "2 heartbeats missed",
        };
        await using (var db = open())
        {
            db.Nodes.Add(node);
            db.NodeLivenessChanges.Add(change);
            await db.SaveChangesAsync(cancellationToken);
        }

        await using (var db = open())
        {
            var stored = await db.Nodes.AsNoTracking().SingleAsync(n => n.Id == node.Id, cancellationToken);
            Assert.Equivalent(node, stored, strict: true);
            var storedChange = await db.NodeLivenessChanges.AsNoTracking().SingleAsync(c => c.NodeId == node.Id, cancellationToken);
            Assert.True(storedChange.Id > 0, "The database numbers liveness changes.");
            Assert.Equal((change.From, change.To, change.At, change.Reason), (storedChange.From, storedChange.To, storedChange.At, storedChange.Reason));
        }
    }
}
