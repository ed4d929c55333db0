using Quartz;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Roles;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Failover;

/// <summary>Turns a group request into a group, or into errors that name each wrong field.</summary>
public static class GroupValidator
{
    public const int MemberCountMax = 16;

    public static (FailoverGroup? Group, Dictionary<string, string[]> Errors) Build(GroupRequest request, NodeRegistry registry, Guid id, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        var name = request.Name ?? "";
        if (name.Length is 0 or > MessageLimits.GroupNameMaxLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            Fail("name", $"must be 1 to {MessageLimits.GroupNameMaxLength} letters, digits, '.', '_' or '-'");
        }

        if (request.Description is { Length: > 512 })
        {
            Fail("description", "must be at most 512 characters");
        }

        var members = new List<FailoverGroupMember>();
        var requested = request.Members ?? [];
        if (requested.Count == 0)
        {
            Fail("members", "must name at least one member (a node and its managed service)");
        }
        else if (requested.Count > MemberCountMax)
        {
            Fail("members", $"must have at most {MemberCountMax} entries");
        }

        for (var i = 0; i < Math.Min(requested.Count, MemberCountMax); i++)
        {
            var field = $"members[{i}]";
            if (requested[i] is not { } member)
            {
                Fail(field, "is required");
                continue;
            }

            var node = member.NodeId is { } nodeId ? registry.Find(nodeId) : null;
            if (member.NodeId is null)
            {
                Fail($"{field}.nodeId", "is required");
            }
            else if (node is null)
            {
                Fail($"{field}.nodeId", $"no node has the id '{member.NodeId}'");
            }

            var service = member.Service ?? "";
            if (service.Length is 0 or > MessageLimits.ServiceNameMaxLength || !service.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                Fail($"{field}.service", "must be the name of a managed service on the node");
            }

            if (member.Priority is < 1 or > 1000)
            {
                Fail($"{field}.priority", "must be from 1 to 1000");
            }

            if (members.FindIndex(m => m.NodeId == member.NodeId && m.Service.Equals(service, StringComparison.OrdinalIgnoreCase)) is var twin and >= 0)
            {
                Fail(field, $"repeats members[{twin}]: each node and service may appear once");
            }
            else if (member.NodeId is { } onNode && members.FindIndex(m => m.NodeId == onNode) is var sibling and >= 0)
            {
                // Failing the node fails every member on it, so a second member there is no standby.
                Fail($"{field}.nodeId", $"node {node?.Name ?? "?"} ({onNode}) already holds members[{sibling}]: a group has at most one member per node");
            }

            members.Add(new FailoverGroupMember { Id = Guid.NewGuid(), GroupId = id, NodeId = member.NodeId ?? Guid.Empty, Service = service, Priority = member.Priority ?? 100 });
        }

        var policy = request.Policy ?? new PolicyRequest();
        var isolation = Parse<IsolationPolicy>(policy.Isolation, IsolationPolicy.Stop, "policy.isolation", errors);
        var failback = Parse<FailbackMode>(policy.Failback, FailbackMode.Manual, "policy.failback", errors);
        BodyChecks.Range(errors, "policy.failbackAfterSeconds", policy.FailbackAfterSeconds, 0, 86_400);
        BodyChecks.Range(errors, "policy.failbackWindowStartHour", policy.FailbackWindowStartHour, 0, 23);
        BodyChecks.Range(errors, "policy.failbackWindowEndHour", policy.FailbackWindowEndHour, 0, 23);
        if (policy.FailbackWindowStartHour.HasValue != policy.FailbackWindowEndHour.HasValue)
        {
            Fail("policy.failbackWindowEndHour", "a failback window needs both its start and its end hour");
        }

        BodyChecks.Range(errors, "policy.cooldownSeconds", policy.CooldownSeconds, 0, 86_400);
        BodyChecks.Range(errors, "policy.maxFailovers", policy.MaxFailovers, 1, 100);
        BodyChecks.Range(errors, "policy.maxFailoversPeriodSeconds", policy.MaxFailoversPeriodSeconds, 60, 604_800);
        BodyChecks.Range(errors, "rtoObjectiveSeconds", request.RtoObjectiveSeconds, 1, 3_600);
        var schedule = string.IsNullOrWhiteSpace(request.Drills?.Schedule) ? null : request.Drills.Schedule.Trim();
        if (schedule is not null && (schedule.Length > 128 || !IsCron(schedule)))
        {
            Fail("drills.schedule", "must be a Quartz cron expression such as '0 0 3 ? * SUN' (seconds, minutes, hours, day of month, month, day of week)");
        }

        var drillKind = Parse<DrillKind>(request.Drills?.Kind, DrillKind.Switchover, "drills.kind", errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new FailoverGroup
        {
            Id = id,
            Name = name,
            Description = request.Description,
            Isolation = isolation,
            Failback = failback,
            FailbackAfterSeconds = policy.FailbackAfterSeconds ?? 300,
            FailbackWindowStartHour = policy.FailbackWindowStartHour,
            FailbackWindowEndHour = policy.FailbackWindowEndHour,
            CooldownSeconds = policy.CooldownSeconds ?? 60,
            MaxFailovers = policy.MaxFailovers ?? 3,
            MaxFailoversPeriodSeconds = policy.MaxFailoversPeriodSeconds ?? 3600,
            RtoObjectiveSeconds = request.RtoObjectiveSeconds ?? 5,
            DrillSchedule = schedule,
            DrillKind = drillKind,
            CreatedAt = now,
            UpdatedAt = now,
            Members = members,
        }, errors);
    }

    public static T Parse<T>(string? text, T fallback, string field, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (text is null)
        {
            return fallback;
        }

        if (BodyChecks.TryParseName<T>(text, out var value))
        {
            return value;
        }

        errors[field] = [$"must be one of {string.Join(", ", Enum.GetNames<T>())}"];
        return fallback;
    }

    private static bool IsCron(string text)
    {
        try
        {
            _ = new CronExpression(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
