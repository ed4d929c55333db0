using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Commands;

namespace Vigil.ControlPlane.Failover;

/// <summary>Creating, changing and removing failover groups, and the operator's moves on them.</summary>
public sealed class FailoverGroups(
    GroupStore store, FailoverCoordinator coordinator, CommandPipeline commands, NodeRegistry registry, DrillSchedules schedules, TimeProvider time)
{
    public async Task<Results<Created<GroupResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(GroupRequest request, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow());
        var (group, errors) = GroupValidator.Build(request, registry, id, time.GetUtcNow());
        if (group is null || await CheckUniqueAsync(group, errors, cancellationToken) is { Count: > 0 })
        {
            return TypedResults.ValidationProblem(errors, title: "The failover group is not valid.");
        }

        await store.AddAsync(group, cancellationToken);
        coordinator.Upsert(group);
        await schedules.ScheduleAsync(group, cancellationToken);
        return TypedResults.Created($"/api/v1/groups/{id}", GroupResponse.From(coordinator.View(id)!));
    }

    public async Task<Results<Ok<GroupResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, GroupRequest request, CancellationToken cancellationToken)
    {
        if (coordinator.View(id) is not { } current)
        {
            return GroupProblems.NotFound(id.ToString());
        }

        var (group, errors) = GroupValidator.Build(request, registry, id, time.GetUtcNow());
        if (group is null || await CheckUniqueAsync(group, errors, cancellationToken) is { Count: > 0 })
        {
            return TypedResults.ValidationProblem(errors, title: "The failover group is not valid.");
        }

        var active = current.Members.FirstOrDefault(m => m.MemberId == current.Definition.ActiveMemberId);
        if (active is not null && !group.Members.Any(m => m.NodeId == active.NodeId && m.Service.Equals(active.Service, StringComparison.OrdinalIgnoreCase)))
        {
            return GroupProblems.Conflict($"{active.Service} on {active.NodeName} is the active member; switch over to another member before removing it.");
        }

        if (!await store.ReplaceAsync(group, current.Definition.Epoch, cancellationToken))
        {
            return GroupProblems.Conflict("The group's active member changed while this request ran (a failover or switchover); read the group again and retry.");
        }

        var stored = (await store.FindAsync(id, cancellationToken))!;
        coordinator.Upsert(stored);
        await schedules.ScheduleAsync(stored, cancellationToken);

        // A member taken out of the group forgets its role, so its service returns to plain supervision.
        var release = coordinator.ReleaseGrant(id, stored.Name, stored.Epoch);
        foreach (var removed in current.Definition.Members.Where(m => !stored.Members.Any(s => s.NodeId == m.NodeId && s.Service.Equals(m.Service, StringComparison.OrdinalIgnoreCase))))
        {
            await commands.SubmitAsync(new NewCommand(removed.NodeId, removed.Service, CommandKind.Release, "api") { Role = release }, cancellationToken);
        }

        return TypedResults.Ok(GroupResponse.From(coordinator.View(id)!));
    }

    /// <summary>Removes the group; each member's agent forgets it, and its service returns to plain supervision.</summary>
    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (coordinator.View(id) is not { } current || !await store.DeleteAsync(id, cancellationToken))
        {
            return GroupProblems.NotFound(id.ToString());
        }

        coordinator.Remove(id);
        await schedules.UnscheduleAsync(id, cancellationToken);
        var grant = coordinator.ReleaseGrant(id, current.Definition.Name, current.Definition.Epoch);
        foreach (var member in current.Definition.Members)
        {
            await commands.SubmitAsync(new NewCommand(member.NodeId, member.Service, CommandKind.Release, "api") { Role = grant }, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    public Results<Accepted<GroupResponse>, ValidationProblem, ProblemHttpResult> Switchover(Guid id, SwitchoverBody? body, string reason = "switchover asked for by an operator")
    {
        if (coordinator.View(id) is not { } view)
        {
            return GroupProblems.NotFound(id.ToString());
        }

        if (view.Pending is not null)
        {
            return GroupProblems.Conflict($"A {view.Pending.Kind} is under way (epoch {view.Pending.Epoch}); wait for it to finish.");
        }

        if (view.Members.FirstOrDefault(m => m.MemberId == view.Definition.ActiveMemberId) is not { } active)
        {
            return GroupProblems.Conflict("The group has no active member yet; it elects one by itself.");
        }

        MemberView? target = null;
        if (body?.TargetNodeId is { } targetNode)
        {
            target = view.Members.FirstOrDefault(m => m.NodeId == targetNode);
            if (target is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["targetNodeId"] = [$"node '{targetNode}' is not a member of group {view.Definition.Name}"] });
            }

            if (target.MemberId == active.MemberId)
            {
                return GroupProblems.Conflict($"{target.NodeName} is already the active member.");
            }

            if (!FailoverEngine.IsEligible(target))
            {
                return GroupProblems.Conflict($"{target.Service} on {target.NodeName} cannot take the active role now: {(target.Reachable ? $"its service is {target.Health?.ToString() ?? "not reported"} ({target.HealthReason})" : "its node is not reachable")}.");
            }
        }
        else if (!view.Members.Any(m => m.MemberId != active.MemberId && FailoverEngine.IsEligible(m)))
        {
            return GroupProblems.Conflict("No standby can take the active role now: none is reachable with its service ready.");
        }

        coordinator.RequestSwitchover(id, new SwitchoverRequest(target?.MemberId, reason));
        return TypedResults.Accepted($"/api/v1/groups/{id}", GroupResponse.From(coordinator.View(id)!));
    }

    public Results<Accepted<GroupResponse>, ValidationProblem, ProblemHttpResult> ConfirmDown(Guid id, ConfirmDownBody? body)
    {
        if (coordinator.View(id) is not { } view)
        {
            return GroupProblems.NotFound(id.ToString());
        }

        if (body?.NodeId is not { } nodeId || view.Members.FirstOrDefault(m => m.NodeId == nodeId) is not { } member)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["nodeId"] = [$"must be the id of a member node of group {view.Definition.Name}"] });
        }

        if (member.Reachable)
        {
            return GroupProblems.Conflict($"Node {member.NodeName} is reachable; it is not down.");
        }

        coordinator.ConfirmDown(id, nodeId);
        return TypedResults.Accepted($"/api/v1/groups/{id}", GroupResponse.From(coordinator.View(id)!));
    }

    private async Task<Dictionary<string, string[]>> CheckUniqueAsync(FailoverGroup group, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (await store.NameTakenAsync(group.Name, group.Id, cancellationToken))
        {
            errors["name"] = [$"another group is already named '{group.Name}'"];
        }

        var elsewhere = await store.MembersElsewhereAsync(group.Id, group.Members.Select(m => m.NodeId), cancellationToken);
        for (var i = 0; i < group.Members.Count; i++)
        {
            var member = group.Members[i];
            if (elsewhere.FirstOrDefault(m => m.NodeId == member.NodeId && m.Service.Equals(member.Service, StringComparison.OrdinalIgnoreCase)) is { } taken)
            {
                errors[$"members[{i}]"] = [$"{member.Service} on this node already belongs to group {coordinator.View(taken.GroupId)?.Definition.Name ?? taken.GroupId.ToString()}"];
            }
        }

        return errors;
    }
}

public static class GroupProblems
{
    public static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Failover group not found.", detail: $"No failover group has the id '{id}'.");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The group cannot do that now.", detail: detail);
}
