using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Data;

/// <summary>How a node's live state becomes its row.</summary>
internal static class NodeRows
{
    public static Node From(NodeStatus status)
    {
        var node = new Node { Id = status.Id, Name = status.Name, AgentVersion = "", OperatingSystem = "" };
        Copy(status, node);
        return node;
    }

    public static void Copy(NodeStatus status, Node node)
    {
        node.Name = status.Name;
        node.AgentVersion = status.AgentVersion;
        node.OperatingSystem = status.OperatingSystem;
        node.ProcessorCount = status.ProcessorCount;
        node.HeartbeatIntervalMs = (int)status.HeartbeatInterval.TotalMilliseconds;
        node.Labels = new Dictionary<string, string>(status.Labels);
        node.Liveness = status.Liveness;
        node.LivenessChangedAt = status.LivenessChangedAt;
        node.FirstSeenAt = status.FirstSeenAt;
        node.LastSeenAt = status.LastSeenAt;
    }

    /// <summary>
    /// Adds the node's row when the state writer has not written it yet (a node that registered a
    /// moment ago), so rows that refer to the node can be saved in the same transaction.
    /// </summary>
    public static async Task EnsureAsync(VigilDbContext db, NodeStatus? status, CancellationToken cancellationToken)
    {
        if (status is not null && !await db.Nodes.AnyAsync(n => n.Id == status.Id, cancellationToken))
        {
            db.Nodes.Add(From(status));
        }
    }
}
