using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;

namespace Vigil.ControlPlane.Alerts;

/// <summary>The lasting conditions of a group, as one decision of the failover engine shows them.</summary>
/// <param name="Halted">Automatic failover stopped: too many failovers within the group's period.</param>
/// <param name="WithoutActive">No member holds the active role and none is being given it: there is none, or its node is down.</param>
/// <param name="Status">Why, in the engine's words.</param>
/// <param name="ActiveNodeId">The node of the active member, if any: the cause of the conditions, whose maintenance silences them.</param>
public sealed record GroupConditions(bool Halted, bool WithoutActive, string Status, Guid? ActiveNodeId = null);

/// <summary>What a failover group's decisions and a drill's end mean to alert rules. Pure.</summary>
public static class GroupSignals
{
    /// <summary>The group's lasting conditions after a decision.</summary>
    public static GroupConditions Of(GroupSnapshot snapshot, IReadOnlyList<FailoverDecision> decisions)
    {
        var active = snapshot.Members.FirstOrDefault(m => m.MemberId == snapshot.ActiveMemberId);
        var moving = snapshot.Pending is not null || decisions.Any(d => d is FailoverDecision.Begin);
        var status = decisions.OfType<FailoverDecision.Wait>().Select(w => w.Status).FirstOrDefault() ?? "deciding";
        return new GroupConditions(
            decisions.Any(d => d is FailoverDecision.Wait { Halted: true }),
            !moving && (active is null || active.NodeDown),
            status,
            active?.NodeId);
    }

    /// <summary>
    /// The lasting conditions that began or ended between two decisions; with no earlier one (the group
    /// was just seen, e.g. after a restart) both are raised as they are, so an alert left open clears.
    /// </summary>
    public static IReadOnlyList<AlertSignal> Changes(GroupConditions? before, GroupConditions now, Guid groupId, string group, DateTimeOffset at)
    {
        var target = AlertTarget.FailoverGroup(groupId, group) with { CausedByNodeId = now.ActiveNodeId };
        var signals = new List<AlertSignal>(2);
        if (before?.Halted != now.Halted)
        {
            signals.Add(new ConditionObserved(AlertCondition.GroupHalted, target, now.Halted, at, now.Halted
                ? $"group {group}: automatic failover stopped: {now.Status}"
                : $"group {group}: automatic failover resumed ({now.Status})")
            {
                Action = now.Halted ? "moves nothing by itself until an operator switches over" : null,
            });
        }

        if (before?.WithoutActive != now.WithoutActive)
        {
            signals.Add(new ConditionObserved(AlertCondition.GroupWithoutActive, target, now.WithoutActive, at, now.WithoutActive
                ? $"group {group} has no active member: {now.Status}"
                : $"group {group} has an active member again ({now.Status})"));
        }

        return signals;
    }

    /// <summary>
    /// Fencing in a decision: a member that holds the active role without being the one moved from is
    /// told to stand by (a deposed active back after a partition, a stray active), or members began to
    /// exercise the active role at once (<paramref name="overlap"/>).
    /// </summary>
    public static IReadOnlyList<AlertSignal> Fencing(GroupDecided decided, DateTimeOffset at)
    {
        var snapshot = decided.Snapshot;
        var signals = new List<AlertSignal>();
        foreach (var deactivate in decided.Decisions.OfType<FailoverDecision.Deactivate>())
        {
            if (snapshot.Members.FirstOrDefault(m => m.MemberId == deactivate.MemberId) is not { Role.Active: true } member
                || snapshot.Pending?.FromMemberId == member.MemberId)
            {
                continue;
            }

            signals.Add(new ConditionObserved(AlertCondition.Fencing, MemberTarget(snapshot, member), true, at,
                $"group {snapshot.Name}: {member.Service} on {member.NodeName} holds the active role at epoch {member.Role!.Epoch}, but the group is at epoch {snapshot.Epoch} with another active member")
            {
                Action = $"told {member.NodeName} to stand by at epoch {snapshot.Epoch}; its lease is not renewed",
            });
        }

        if (decided.Overlap is { } members)
        {
            signals.Add(new ConditionObserved(AlertCondition.Fencing, AlertTarget.FailoverGroup(snapshot.GroupId, snapshot.Name), true, at,
                $"group {snapshot.Name}: more than one member reports holding the active role at once: {members}")
            {
                Action = $"renews the lease only of the member active at epoch {snapshot.Epoch} and tells the others to stand by; the transition is marked as overlapping",
            });
        }

        return signals;
    }

    /// <summary>A drill that failed; null for one that passed or is still running.</summary>
    public static AlertSignal? FromDrill(Drill drill, string group, DateTimeOffset now) =>
        drill.Outcome != DrillOutcome.Failed ? null
            : new ConditionObserved(AlertCondition.DrillFailed, AlertTarget.FailoverGroup(drill.GroupId, group), true, drill.FinishedAt ?? now,
                $"group {group}: the {drill.Kind} drill ({drill.Trigger}) failed: {drill.Message}")
            {
                Action = drill.RtoMs is { } rto ? $"recovered in {rto} ms against an objective of {drill.RtoObjectiveSeconds} s" : "the group did not recover within the drill",
            };

    private static AlertTarget MemberTarget(GroupSnapshot snapshot, MemberView member) =>
        AlertTarget.FailoverGroup(snapshot.GroupId, snapshot.Name) with
        {
            Key = $"group/{snapshot.GroupId}/node/{member.NodeId}",
            NodeId = member.NodeId,
            NodeName = member.NodeName,
            Service = member.Service,
        };
}
