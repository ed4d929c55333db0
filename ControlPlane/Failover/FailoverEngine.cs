using System.Globalization;
using Vigil.ControlPlane.Data.Failover;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Failover;

/// <summary>
/// Decides, for one failover group, what happens next. Pure: state and a monotonic "now" in, decisions
/// out. The safety rule is in <see cref="Released"/>: nobody is activated while another member may
/// still hold the active role, i.e. until each other member has reported that it stands by, or its
/// lease has surely ended (lease + allowance after the last renewal this control plane granted), or an
/// operator confirmed its node is down.
/// </summary>
public static class FailoverEngine
{
    public static IReadOnlyList<FailoverDecision> Decide(GroupSnapshot group, TimeSpan now)
    {
        var verdict = group.Pending is { } pending ? Continue(group, pending, now) : Judge(group, now);
        // The member a transition activates is not told to stand by first: that Deactivate, crossing its
        // Activate, would stop a service it is about to run (one that ran before its group existed, say).
        var target = verdict is FailoverDecision.Begin begin ? begin.ToMemberId : group.Pending?.ToMemberId;
        var decisions = new List<FailoverDecision>();
        foreach (var member in group.Members.Where(m => m.MemberId != group.ActiveMemberId && m.MemberId != target && NeedsDeactivate(group, m)))
        {
            decisions.Add(new FailoverDecision.Deactivate(member.MemberId));
        }

        decisions.Add(verdict);
        return decisions;
    }

    /// <summary>A member that is not active must know the current epoch and stand by.</summary>
    private static bool NeedsDeactivate(GroupSnapshot group, MemberView member) =>
        member.Reachable && member.Reported && !member.DeactivateSent
        && (member.Role is null || member.Role.Active || member.Role.Epoch < group.Epoch);

    private static FailoverDecision Continue(GroupSnapshot group, PendingTransition pending, TimeSpan now)
    {
        var target = Member(group, pending.ToMemberId);
        if (target is null)
        {
            return new FailoverDecision.Abandon(pending.ToMemberId, "the member is no longer in the group");
        }

        if (pending.ActivationFailure is { } failure)
        {
            return new FailoverDecision.Abandon(target.MemberId, failure);
        }

        if (!pending.ActivateSent)
        {
            if (target.NodeDown)
            {
                return new FailoverDecision.Abandon(target.MemberId, $"node {target.NodeName} went down before it was activated");
            }

            var holding = group.Members.FirstOrDefault(m => m.MemberId != target.MemberId && !Released(group, m, now));
            return holding is null
                ? new FailoverDecision.Activate(target.MemberId)
                : new FailoverDecision.Wait($"waiting for {holding.NodeName} to give up the active role ({HowLong(group, holding, now)})");
        }

        if (pending.Confirmed || IsUpAsActive(group, target))
        {
            return new FailoverDecision.Confirm(target.MemberId);
        }

        if (target.NodeDown)
        {
            return new FailoverDecision.Abandon(target.MemberId, $"node {target.NodeName} went down while it was being activated");
        }

        return target.Health == ServiceHealth.Failed
            ? new FailoverDecision.Abandon(target.MemberId, $"{target.Service} on {target.NodeName} failed while it was being activated: {target.HealthReason}")
            : new FailoverDecision.Wait($"activating {target.Service} on {target.NodeName} at epoch {pending.Epoch}");
    }

    private static FailoverDecision Judge(GroupSnapshot group, TimeSpan now)
    {
        var active = group.ActiveMemberId is { } id ? Member(group, id) : null;
        if (active is null)
        {
            return Best(group, except: null) is { } first
                ? new FailoverDecision.Begin(TransitionKind.Election, null, first.MemberId, "the group has no active member")
                : new FailoverDecision.Wait("no member can take the active role: none is reachable with its service ready");
        }

        if (FailureOf(group, active) is { } failure)
        {
            return Failover(group, active, failure, now);
        }

        if (group.Switchover is { } request)
        {
            var target = request.ToMemberId is { } to ? Member(group, to) : Best(group, except: active.MemberId);
            return target is not null && target.MemberId != active.MemberId && IsEligible(target)
                ? new FailoverDecision.Begin(request.Kind, active.MemberId, target.MemberId, request.Reason)
                : new FailoverDecision.Wait("the requested switchover has no eligible target", DropsSwitchover: true);
        }

        if (!IsActiveAtEpoch(group, active) && !group.ActivateSent)
        {
            // The active member does not hold the role it was given (its agent lost it, or this control plane restarted mid-way).
            var holding = group.Members.FirstOrDefault(m => m.MemberId != active.MemberId && !Released(group, m, now));
            // Only on the word of the agent's current run: right after it registers its roles are not known yet.
            return holding is null && active.Reachable && active.Reported
                ? new FailoverDecision.Activate(active.MemberId)
                : new FailoverDecision.Wait(holding is null
                    ? $"waiting for {active.NodeName} to report and take the active role"
                    : $"waiting for {holding.NodeName} to give up the active role ({HowLong(group, holding, now)})");
        }

        if (Failback(group, active, now) is { } failback)
        {
            return failback;
        }

        return new FailoverDecision.Wait($"{active.Service} active on {active.NodeName} at epoch {group.Epoch}");
    }

    private static FailoverDecision Failover(GroupSnapshot group, MemberView active, string failure, TimeSpan now)
    {
        var policy = group.Policy;
        if (!active.Reachable && !AppliesStopIsolation(group, active) && !active.ConfirmedDown)
        {
            var why = policy.Isolation == IsolationPolicy.KeepRunning ? "isolation is KeepRunning" : "its agent last reported terms older than the group's isolation Stop";
            return new FailoverDecision.Wait($"{failure}; {why}, so nothing moves until an operator confirms node {active.NodeName} is down");
        }

        if (group.LastTransitionAt is { } last && now - last < policy.Cooldown)
        {
            return new FailoverDecision.Wait($"{failure}; cooling down for {Seconds(policy.Cooldown - (now - last))} after the last change");
        }

        var recent = group.RecentFailovers.Count(at => now - at < policy.MaxFailoversPeriod);
        if (recent >= policy.MaxFailovers)
        {
            return new FailoverDecision.Wait(
                $"{failure}; automatic failover stopped: {recent} failovers within {policy.MaxFailoversPeriod} reached the limit of {policy.MaxFailovers}. Switch over by hand once the cause is fixed",
                Halted: true);
        }

        return Best(group, except: active.MemberId) is { } standby
            ? new FailoverDecision.Begin(TransitionKind.Failover, active.MemberId, standby.MemberId, failure)
            : new FailoverDecision.Wait($"{failure}; no healthy standby to fail over to");
    }

    private static FailoverDecision.Begin? Failback(GroupSnapshot group, MemberView active, TimeSpan now)
    {
        var policy = group.Policy;
        if (policy.Failback != FailbackMode.Automatic || (group.LastTransitionAt is { } last && now - last < policy.Cooldown) || !InWindow(policy, group.HourOfDay))
        {
            return null;
        }

        var preferred = group.Members.Where(IsEligible).OrderBy(m => m.Priority).ThenBy(m => m.MemberId).FirstOrDefault();
        if (preferred is null || preferred.MemberId == active.MemberId || preferred.Priority >= active.Priority
            || preferred.EligibleSince is not { } since || now - since < policy.FailbackAfter)
        {
            return null;
        }

        return new FailoverDecision.Begin(TransitionKind.Failback, active.MemberId, preferred.MemberId,
            $"preferred member {preferred.NodeName} has been ready for {Seconds(now - since)}");
    }

    /// <summary>Why the active member has failed, or null while it has not (or there is none).</summary>
    public static string? FailureOf(GroupSnapshot group) =>
        group.ActiveMemberId is { } id && Member(group, id) is { } active ? FailureOf(group, active) : null;

    private static string? FailureOf(GroupSnapshot group, MemberView active)
    {
        if (group.ActivationFailure is { } failed)
        {
            return $"activation of {active.Service} on {active.NodeName} failed: {failed}";
        }

        if (active.NodeDown)
        {
            return $"node {active.NodeName} is down";
        }

        return active.Health switch
        {
            ServiceHealth.Failed => $"{active.Service} on {active.NodeName} failed: {active.HealthReason}",
            ServiceHealth.Unhealthy => $"{active.Service} on {active.NodeName} is unhealthy: {active.HealthReason}",
            _ => null,
        };
    }

    /// <summary>
    /// The member cannot be running the service now, nor start it without this control plane: its
    /// agent confirmed a Deactivate at the current epoch (<see cref="StandsByAsConfirmed"/>); or its
    /// latest report, made by the agent's current run and not answered with a lease, shows the service
    /// down and no valid lease (a lease comes only from an acknowledgement of a report, and the agent
    /// sends its next report only after that acknowledgement arrived or was given up); or its lease
    /// has surely ended and it applies isolation Stop (it said it holds the current terms, or it has
    /// not reported since this control plane started); or an operator confirmed its node is down.
    /// </summary>
    public static bool Released(GroupSnapshot group, MemberView member, TimeSpan now) =>
        member.ConfirmedDown
        || StandsByAsConfirmed(group, member)
        || (member.Reported && !member.LatestReportGranted && !member.ServiceUp && member.Role is not { HoldsLease: true })
        || (AppliesStopIsolation(group, member) && !(member.Reachable && member.Reported && member.ServiceUp) && now >= member.LeaseSurelyEndedAt);

    /// <summary>
    /// A confirmed deactivation is a release. The member's agent answered, on the connection that speaks
    /// for its node now (so from its current run), that it carried out a Deactivate at the group's current
    /// epoch, sent after the member was last activated, and the member is not the one meant to be active:
    /// its role is given up on disk, its service was seen stopped with no start under way, and only an
    /// Activate at a newer epoch makes it start again. Renewals go only to the active member at the
    /// current epoch, so no lease comes back either. A report that arrived since the answer and shows
    /// the service up or the role active overrides it.
    /// </summary>
    public static bool StandsByAsConfirmed(GroupSnapshot group, MemberView member) =>
        member.Standby is { } standby
        && standby.Epoch == group.Epoch
        && member.MemberId != group.ActiveMemberId
        && member.Connection is { } connection && standby.Connection == connection
        && (member.ActivateSentAt is not { } activated || standby.SentAt > activated)
        && !(member.ReportedAt is { } reported && reported >= standby.ReceivedAt && (member.ServiceUp || member.Role is { Active: true }));

    /// <summary>
    /// The member stops its service when its lease lapses: the group's isolation is Stop and the member
    /// lives by such terms. A member that may hold older terms may still keep running (the group was
    /// KeepRunning before an edit it has not heard of), so it is treated as KeepRunning.
    /// </summary>
    public static bool AppliesStopIsolation(GroupSnapshot group, MemberView member) =>
        group.Policy.Isolation == IsolationPolicy.Stop && member.HoldsStopTerms;

    /// <summary>A reachable member out of maintenance whose service is ready to run: the candidates for the active role.</summary>
    public static bool IsEligible(MemberView member) =>
        member.Reachable && !member.ConfirmedDown && !member.InMaintenance && member.Health is { } health && health is not (ServiceHealth.Failed or ServiceHealth.Unknown or ServiceHealth.Unhealthy);

    private static MemberView? Best(GroupSnapshot group, Guid? except) => Best(group.Members, except);

    /// <summary>The standby a failover or a switchover without a named target goes to; null when none is eligible.</summary>
    public static MemberView? Best(IEnumerable<MemberView> members, Guid? except) => members
        .Where(m => m.MemberId != except && IsEligible(m))
        .OrderBy(m => m.Priority).ThenBy(m => m.RecentFailures).ThenBy(m => m.MemberId)
        .FirstOrDefault();

    private static bool IsActiveAtEpoch(GroupSnapshot group, MemberView member) => member.Role is { Active: true } role && role.Epoch == group.Epoch;

    private static bool IsUpAsActive(GroupSnapshot group, MemberView member) => IsActiveAtEpoch(group, member) && member.Role!.ServiceUp;

    private static MemberView? Member(GroupSnapshot group, Guid memberId) => group.Members.FirstOrDefault(m => m.MemberId == memberId);

    private static bool InWindow(GroupPolicy policy, int hour) => (policy.FailbackWindowStartHour, policy.FailbackWindowEndHour) switch
    {
        ({ } start, { } end) when start <= end => hour >= start && hour < end,
        ({ } start, { } end) => hour >= start || hour < end,
        _ => true,
    };

    private static string HowLong(GroupSnapshot group, MemberView member, TimeSpan now) =>
        group.Policy.Isolation == IsolationPolicy.KeepRunning
            ? "isolation KeepRunning: it must stand by or an operator must confirm its node is down"
            : !AppliesStopIsolation(group, member)
                ? "it last reported older terms (isolation may still be KeepRunning there): it must stand by or an operator must confirm its node is down"
                : $"its lease surely ends in {Seconds(member.LeaseSurelyEndedAt - now)}";

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, span.TotalSeconds):0.0} s");
}
