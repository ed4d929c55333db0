using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Failover;

/// <summary>How the coordinator sees a group: from its own memory and the live registry.</summary>
public sealed partial class FailoverCoordinator
{
    /// <param name="observe">Deciding: the snapshot also records what it saw (readiness since, confirmations a reachable node ends); views for operators leave the group as it is.</param>
    private GroupSnapshot Snapshot(LiveGroup group, bool observe)
    {
        var now = Now;
        var policy = group.Policy with { Lease = _options.Lease, FenceAllowance = _options.FenceAllowance };
        var members = group.Definition.Members.Select(m => MemberViewOf(group, m, policy, now, observe)).ToList();
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

    private MemberView MemberViewOf(LiveGroup group, FailoverGroupMember member, GroupPolicy policy, TimeSpan now, bool observe)
    {
        var node = registry.Find(member.NodeId);
        var reachable = node is { Liveness: NodeLiveness.Alive, Connected: true };
        if (reachable && observe)
        {
            group.ConfirmedDownNodes.Remove(member.NodeId);
        }

        var role = node?.Roles.FirstOrDefault(r => r.GroupId == group.Id);
        var report = node?.Services.FirstOrDefault(s => s.Name.Equals(member.Service, StringComparison.OrdinalIgnoreCase));
        var lastGrant = group.LastGrants.GetValueOrDefault(member.NodeId);
        var grantedAt = lastGrant.Report is null ? TimeSpan.Zero : At(lastGrant.ReceivedAt);
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
            ConfirmedDown = !reachable && group.ConfirmedDownNodes.Contains(member.NodeId),
            InMaintenance = node?.Maintenance?.InForceAt(time.GetUtcNow()) == true,
            Health = report?.Health,
            HealthReason = report?.Reason,
            ServiceUp = report is not null && report.State is not (ServiceState.Stopped or ServiceState.Unknown),
            Reported = node is { HeardSinceRegistration: true },
            Role = role,
            LatestReportGranted = role is not null && ReferenceEquals(lastGrant.Report, role),
            HoldsStopTerms = HoldsStopTerms(group.Definition, member, node, role),
            LeaseSurelyEndedAt = Max(grantedAt + policy.Lease, HandoverLeaseEnd(group)) + policy.FenceAllowance,
            RecentFailures = failures,
            DeactivateSent = group.DeactivateSentEpoch.TryGetValue(member.Id, out var sent) && sent == group.Epoch,
            Connection = node?.Connection,
            ReportedAt = node?.ReportedAt is { } reportedAt ? At(reportedAt) : null,
            ActivateSentAt = group.ActivateSentAt.TryGetValue(member.Id, out var activated) ? At(activated) : null,
            Standby = group.StandbyConfirmations.TryGetValue(member.Id, out var standby)
                ? new StandbyConfirmation { Epoch = standby.Epoch, Connection = standby.Connection, SentAt = At(standby.SentAt), ReceivedAt = At(standby.ReceivedAt) }
                : null,
        };
        // Readiness for failback counts only as a standby: the member that just lost the role starts afresh.
        if (!FailoverEngine.IsEligible(view) || member.Id == group.Definition.ActiveMemberId)
        {
            if (observe)
            {
                group.EligibleSince.Remove(member.Id);
            }

            return view;
        }

        if (observe)
        {
            group.EligibleSince.TryAdd(member.Id, time.GetTimestamp());
        }

        return group.EligibleSince.TryGetValue(member.Id, out var since) ? view with { EligibleSince = At(since) } : view;
    }

    /// <summary>
    /// The end of the long lease a planned restart may have left with any member; zero when none. Any
    /// member: the one it was given to is the one active at the stop, which need not be the group's
    /// active member now (a run since may have begun a failover away from it, cut off, still running).
    /// </summary>
    private TimeSpan HandoverLeaseEnd(LiveGroup group) =>
        group.HandoverLeaseUntil is { } until ? At(until) : TimeSpan.Zero;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// Whether the member surely stops its service when its lease lapses: by the terms version it
    /// reported; without a report since its agent registered, by the least version it can hold (the
    /// active member's activation terms); any other member only if the group has been Stop since its creation.
    /// </summary>
    private static bool HoldsStopTerms(FailoverGroup group, FailoverGroupMember member, Nodes.NodeStatus? node, RoleReport? role)
    {
        if (group.Isolation != IsolationPolicy.Stop)
        {
            return false;
        }

        if (node is { HeardSinceRegistration: true })
        {
            return role is null || role.TermsVersion >= group.StopSinceTermsVersion;
        }

        return member.Id == group.ActiveMemberId
            ? group.ActiveTermsVersion >= group.StopSinceTermsVersion
            : group.StopSinceTermsVersion == 0;
    }

    /// <summary>
    /// Two members exercising the active role at once must never happen; if the reports ever show it,
    /// it is logged and the transition says so. Returns the members when an overlap begins.
    /// </summary>
    private string? WatchForOverlap(LiveGroup group, GroupSnapshot snapshot)
    {
        var now = Now;
        // A member that confirmed it stands by has given the role up since its latest report said otherwise;
        // a report of the service up or the role active arriving after the confirmation voids it and counts here again.
        var exercising = snapshot.Members
            .Where(m => m.Role is { Active: true } role && (role.HoldsLease || role.ServiceUp)
                && (m.Reachable || snapshot.Policy.Isolation == IsolationPolicy.KeepRunning || now < m.LeaseSurelyEndedAt)
                && !FailoverEngine.StandsByAsConfirmed(snapshot, m))
            .ToList();
        if (exercising.Count <= 1)
        {
            group.OverlapSeen = false;
            return null;
        }

        group.PendingOverlap |= group.Pending is not null;
        if (group.OverlapSeen)
        {
            return null;
        }

        group.OverlapSeen = true;
        var members = string.Join(", ", exercising.Select(m => m.NodeName));
        LogOverlap(group.Definition.Name, members);
        return members;
    }

    /// <summary>
    /// Whether what operators see of the group moved since the last decision — epoch, transition,
    /// status, or a member's reachability, health, role or readiness — by a signature of those fields,
    /// so that deciding ten times a second allocates nothing more to tell live views.
    /// </summary>
    private static bool ViewMoved(LiveGroup group, GroupSnapshot snapshot)
    {
        var signature = new HashCode();
        for (var i = 0; i < snapshot.Members.Count; i++)
        {
            var member = snapshot.Members[i];
            signature.Add(member.NodeName);
            signature.Add(member.Reachable);
            signature.Add(member.NodeDown);
            signature.Add(member.ConfirmedDown);
            signature.Add(member.InMaintenance);
            signature.Add(member.Health);
            signature.Add(member.HealthReason);
            signature.Add(member.ServiceUp);
            signature.Add(member.Role?.Epoch);
            signature.Add(member.Role?.TermsVersion);
            signature.Add(member.Role?.Active);
            signature.Add(member.Role?.HoldsLease);
            signature.Add(FailoverEngine.IsEligible(member));
        }

        lock (group)
        {
            signature.Add(group.Epoch);
            signature.Add(group.Definition.ActiveMemberId);
            signature.Add(group.Pending);
            signature.Add(group.Status);
            signature.Add(group.Halted);
            var value = signature.ToHashCode();
            if (value == group.ViewSignature)
            {
                return false;
            }

            group.ViewSignature = value;
            return true;
        }
    }

    private GroupView ViewOf(LiveGroup group)
    {
        lock (group)
        {
            return new GroupView(group.Definition, group.Status, group.Halted, group.Pending, Snapshot(group, observe: false).Members);
        }
    }
}
