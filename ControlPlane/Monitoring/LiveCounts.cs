using System.Diagnostics.Metrics;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Monitoring;

/// <summary>How a failover group stands, as a metric label.</summary>
public enum GroupState
{
    /// <summary>A member holds the active role.</summary>
    Active,

    /// <summary>A failover, switchover or election is under way.</summary>
    Transitioning,

    /// <summary>No member is active and none is being made active.</summary>
    NoActive,

    /// <summary>Automatic failover stopped (too many failovers, or an operator must confirm a node down).</summary>
    Halted,
}

/// <summary>
/// Counts of the live state by label. Every label value is reported, zeros included, so that a
/// Prometheus series does not vanish when its count drops to nothing.
/// </summary>
public static class LiveCounts
{
    public static IEnumerable<Measurement<int>> NodesByLiveness(IEnumerable<NodeStatus> nodes) =>
        CountBy(nodes.Select(n => n.Liveness), "liveness");

    public static IEnumerable<Measurement<int>> ServicesByHealth(IEnumerable<NodeStatus> nodes) =>
        CountBy(nodes.SelectMany(n => n.Services).Select(s => s.Health), "health");

    public static IEnumerable<Measurement<int>> GroupsByState(IEnumerable<GroupView> groups) =>
        CountBy(groups.Select(StateOf), "state");

    public static GroupState StateOf(GroupView group) => group switch
    {
        { Halted: true } => GroupState.Halted,
        { Pending: not null } => GroupState.Transitioning,
        { Definition.ActiveMemberId: not null } => GroupState.Active,
        _ => GroupState.NoActive,
    };

    private static IEnumerable<Measurement<int>> CountBy<T>(IEnumerable<T> values, string label)
        where T : struct, Enum
    {
        var counts = Enum.GetValues<T>().ToDictionary(v => v, _ => 0);
        foreach (var value in values)
        {
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }

        return counts.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>(label, VigilMetrics.Label(c.Key.ToString()))));
    }
}
