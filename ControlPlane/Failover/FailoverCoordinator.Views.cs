using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Failover;

/// <summary>How the coordinator sees a group: from its own memory and the live registry.</summary>
public sealed partial class FailoverCoordinator
{
    private GroupSnapshot Snapshot(LiveGroup group)
    {
        var now = Now;
        var policy = group.Policy with { Lease = _options.Lease, FenceAllowance = _options.FenceAllowance };
        var members = group.Definition.Members.Select(m => MemberViewOf(group, m, policy, now)).ToList();
        return new GroupSnapshot
        {
            GroupId = group.Id,
            Name = group.Definition.Name,
            Epoch = group.Epoch,
            ActiveMemberId = group.Definition.ActiveMemberId,
            Policy = policy,
            Members = members,
            Pending = group.Pending,
            ActivationFailure = group.ActivationFailure,
            ActivateSent = group.ActivateSentEpoch == group.Epoch,
            LastTransitionAt = group.LastTransitionAt is { } last ? At(last) : null,
            RecentFailovers = [.. group.RecentFailovers.Select(At)],
            Switchover = group.Switchover,
            HourOfDay = time.GetUtcNow().Hour,
        };
    }

    private MemberView MemberViewOf(LiveGroup group, FailoverGroupMember member, GroupPolicy policy, TimeSpan now)
    {
        var node = registry.Find(member.NodeId);
        var reachable = node is { Liveness: NodeLiveness.Alive, Connected: true };
        if (reachable)
        {
            group.ConfirmedDownNodes.Remove(member.NodeId);
        }

        var report = node?.Services.FirstOrDefault(s => s.Name.Equals(member.Service, StringComparison.OrdinalIgnoreCase));
        var lastGrant = group.LastGrant.TryGetValue(member.NodeId, out var granted) ? At(granted) : TimeSpan.Zero;
        var failures = group.Failures.TryGetValue(member.Id, out var list) ? list.Count(at => now - At(at) < policy.MaxFailoversPeriod) : 0;
        var view = new MemberView
        {
            MemberId = member.Id,
            NodeId = member.NodeId,
            NodeName = node?.Name ?? member.NodeId.ToString(),
            Service = member.Service,
            Priority = member.Priority,
            Reachable = reachable,
            NodeDown = node is null || node.Liveness is NodeLiveness.Lost or NodeLiveness.Stopped,
            ConfirmedDown = group.ConfirmedDownNodes.Contains(member.NodeId),
            Health = report?.Health,
            HealthReason = report?.Reason,
            ServiceUp = report is not null && report.State is not (ServiceState.Stopped or ServiceState.Unknown),
            Reported = node?.Host is not null,
            Role = node?.Roles.FirstOrDefault(r => r.GroupId == group.Id),
            LeaseSurelyEndedAt = lastGrant + policy.Lease + policy.FenceAllowance,
            RecentFailures = failures,
            DeactivateSent = group.DeactivateSentEpoch.TryGetValue(member.Id, out var sent) && sent == group.Epoch,
        };
        // Readiness for failback counts only as a standby: the member that just lost the role starts afresh.
        if (!FailoverEngine.IsEligible(view) || member.Id == group.Definition.ActiveMemberId)
        {
            group.EligibleSince.Remove(member.Id);
            return view;
        }

        group.EligibleSince.TryAdd(member.Id, time.GetTimestamp());
        return view with { EligibleSince = At(group.EligibleSince[member.Id]) };
    }

    /// <summary>Two members exercising the active role at once must never happen; if the reports ever show it, the transition says so.</summary>
    private void WatchForOverlap(LiveGroup group, GroupSnapshot snapshot)
    {
        var now = Now;
        var exercising = snapshot.Members
            .Where(m => m.Role is { Active: true } role && (role.HoldsLease || role.ServiceUp)
                && (m.Reachable || snapshot.Policy.Isolation == IsolationPolicy.KeepRunning || now < m.LeaseSurelyEndedAt))
            .ToList();
        if (exercising.Count > 1 && !group.PendingOverlap)
        {
            group.PendingOverlap = true;
            LogOverlap(group.Definition.Name, string.Join(", ", exercising.Select(m => m.NodeName)));
        }
    }

    private GroupView ViewOf(LiveGroup group)
    {
        lock (group)
        {
            return new GroupView(group.Definition, group.Status, group.Halted, group.Pending, Snapshot(group).Members);
        }
    }
}
