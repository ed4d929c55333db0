using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Alerts;

/// <summary>What a node's liveness transition means to alert rules: Suspect holds while the node is Suspect or Lost, Lost while Lost.</summary>
public static class NodeSignals
{
    public static IReadOnlyList<AlertSignal> FromLiveness(LivenessTransition transition)
    {
        var target = AlertTarget.Node(transition.NodeId, transition.NodeName);
        var signals = new List<AlertSignal>(2);
        Add(AlertCondition.NodeSuspect, IsSilent);
        Add(AlertCondition.NodeLost, liveness => liveness == NodeLiveness.Lost);
        return signals;

        void Add(AlertCondition condition, Func<NodeLiveness, bool> holds)
        {
            var before = holds(transition.From);
            var after = holds(transition.To);
            if (before != after)
            {
                signals.Add(new ConditionObserved(condition, target, after, transition.At, Describe(transition)));
            }
        }
    }

    private static bool IsSilent(NodeLiveness liveness) => liveness is NodeLiveness.Suspect or NodeLiveness.Lost;

    private static string Describe(LivenessTransition transition) => transition.To switch
    {
        NodeLiveness.Alive => $"node {transition.NodeName} is back (Alive): {transition.Reason}",
        NodeLiveness.Stopped => $"node {transition.NodeName} stopped on purpose: {transition.Reason}",
        _ => $"node {transition.NodeName} is {transition.To} (was {transition.From}): {transition.Reason}",
    };
}
