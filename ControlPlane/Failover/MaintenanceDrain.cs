namespace Vigil.ControlPlane.Failover;

/// <summary>What entering maintenance does to one group whose active member is on the node.</summary>
public enum DrainOutcome
{
    /// <summary>A switchover to <see cref="GroupDrain.ToNode"/> was asked for.</summary>
    SwitchingOver,

    /// <summary>The active member stays where it is; <see cref="GroupDrain.Detail"/> says why.</summary>
    Stays,
}

public sealed record GroupDrain(Guid GroupId, string Group, DrainOutcome Outcome, Guid? ToMemberId, string? ToNode, string Detail);

/// <summary>
/// Decides how a node entering maintenance is drained. Pure: for each group whose active member is on
/// the node, the best eligible standby on another node (as a switchover without a named target would
/// choose it), or why the group stays. Groups where the node only has standbys need nothing: their
/// members in maintenance are no longer eligible.
/// </summary>
public static class MaintenanceDrain
{
    public static GroupDrain? Plan(Guid groupId, string group, Guid? activeMemberId, PendingTransition? pending, IReadOnlyList<MemberView> members, Guid nodeId)
    {
        if (members.FirstOrDefault(m => m.MemberId == activeMemberId) is not { } active || active.NodeId != nodeId)
        {
            return null;
        }

        if (pending is not null)
        {
            return new GroupDrain(groupId, group, DrainOutcome.Stays, null, null, $"a {pending.Kind} is under way (epoch {pending.Epoch}); switch over once it has finished");
        }

        return FailoverEngine.Best(members.Where(m => m.NodeId != nodeId), except: active.MemberId) is { } to
            ? new GroupDrain(groupId, group, DrainOutcome.SwitchingOver, to.MemberId, to.NodeName, $"switching over from {active.NodeName} to {to.NodeName}")
            : new GroupDrain(groupId, group, DrainOutcome.Stays, null, null, $"no standby can take the active role: none is reachable with its service ready; {active.Service} stays active on {active.NodeName}");
    }

    public static IReadOnlyList<GroupDrain> Plan(IEnumerable<GroupView> groups, Guid nodeId) =>
        [.. groups.Select(g => Plan(g.Definition.Id, g.Definition.Name, g.Definition.ActiveMemberId, g.Pending, g.Members, nodeId)).OfType<GroupDrain>()];
}
