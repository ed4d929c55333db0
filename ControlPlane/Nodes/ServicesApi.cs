using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Nodes;

/// <summary>REST surface of managed services across nodes: <c>/api/v1/services</c>.</summary>
public static class ServicesApi
{
    public static IEndpointRouteBuilder MapServicesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/services").WithTags("Services")
            .MapGet("/", ListServices)
            .WithName("ListServices")
            .WithSummary("Lists the managed services of every node, filtered and paged.")
            .WithDescription("Each as its node's agent last reported it, with the failover groups it is a member of. Sorted by service name, then node name. Read from the control plane's memory: it answers while the database is down.")
            .Responds<PagedResult<ManagedServiceResponse>>(StatusCodes.Status200OK, "One page of managed services.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.");
        return app;
    }

    internal static Results<Ok<PagedResult<ManagedServiceResponse>>, ValidationProblem> ListServices(
        NodeRegistry registry,
        FailoverCoordinator coordinator,
        [Description("Only services of this node (its id).")] string? node = null,
        [Description("Only services whose name contains this text (any case).")] string? name = null,
        [Description("Only services in this state: Unknown, Stopped, StartPending, Running, StopPending, PausePending, Paused or ContinuePending.")] string? state = null,
        [Description("Only services with this health: Unknown, Healthy, Degraded, Unhealthy, Stopped or Failed.")] string? health = null,
        [Description("Only services that are members of this failover group (its id).")] string? group = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Services per page, 1 to 500 (default 100).")] string? pageSize = null)
    {
        var query = new QueryParameters();
        var nodeFilter = query.Identifier(node, "node");
        var stateFilter = query.OneOf<ServiceState>(state, "state");
        var healthFilter = query.OneOf<ServiceHealth>(health, "health");
        var groupFilter = query.Identifier(group, "group");
        var pageNumber = query.Page(page);
        var size = query.PageSize(pageSize);
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var memberships = MembershipsByService(coordinator);
        var matching = registry.Snapshot()
            .Where(n => nodeFilter is null || n.Id == nodeFilter)
            .SelectMany(n => n.Services.Select(s => ManagedServiceResponse.From(n, s, memberships.GetValueOrDefault((n.Id, s.Name), []))))
            .Where(s => string.IsNullOrEmpty(name) || s.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
            .Where(s => stateFilter is null || s.State == stateFilter)
            .Where(s => healthFilter is null || s.Health == healthFilter)
            .Where(s => groupFilter is null || s.Groups.Any(g => g.Id == groupFilter))
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => s.NodeName, StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => s.NodeId)
            .ToList();
        var items = matching.Skip((pageNumber - 1) * size).Take(size).ToList();
        return TypedResults.Ok(new PagedResult<ManagedServiceResponse>(items, pageNumber, size, matching.Count));
    }

    /// <summary>The groups each (node, service) is a member of, from the groups' definitions.</summary>
    private static Dictionary<(Guid NodeId, string Service), List<ServiceMembership>> MembershipsByService(FailoverCoordinator coordinator)
    {
        var memberships = new Dictionary<(Guid, string), List<ServiceMembership>>(new NodeServiceComparer());
        foreach (var view in coordinator.Views())
        {
            foreach (var member in view.Definition.Members)
            {
                var key = (member.NodeId, member.Service);
                if (!memberships.TryGetValue(key, out var list))
                {
                    memberships[key] = list = [];
                }

                list.Add(new ServiceMembership(view.Definition.Id, view.Definition.Name, member.Id == view.Definition.ActiveMemberId));
            }
        }

        return memberships;
    }

    /// <summary>Service names are matched in any case, as agents and commands do.</summary>
    private sealed class NodeServiceComparer : IEqualityComparer<(Guid NodeId, string Service)>
    {
        public bool Equals((Guid NodeId, string Service) x, (Guid NodeId, string Service) y) =>
            x.NodeId == y.NodeId && StringComparer.OrdinalIgnoreCase.Equals(x.Service, y.Service);

        public int GetHashCode((Guid NodeId, string Service) obj) =>
            HashCode.Combine(obj.NodeId, StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Service));
    }
}

/// <summary>A managed service on one node, as its agent last reported it.</summary>
public sealed record ManagedServiceResponse(
    Guid NodeId,
    string NodeName,
    NodeLiveness NodeLiveness,
    string Name,
    string Kind,
    ServiceState State,
    ServiceHealth Health,
    string Reason,
    int? ProcessId,
    int RestartCount,
    double? CpuPercent,
    long? WorkingSetBytes,
    int? ThreadCount,
    int? HandleCount,
    string? StartType,
    string? Account,
    IReadOnlyList<ServiceMembership> Groups)
{
    public static ManagedServiceResponse From(NodeStatus node, ServiceReport service, IReadOnlyList<ServiceMembership> groups) => new(
        node.Id,
        node.Name,
        node.Liveness,
        service.Name,
        service.Kind,
        service.State,
        service.Health,
        service.Reason,
        service.ProcessId,
        service.RestartCount,
        service.CpuPercent,
        service.WorkingSetBytes,
        service.ThreadCount,
        service.HandleCount,
        service.StartType,
        service.Account,
        groups);
}

/// <summary>A failover group the service is a member of, and whether it is the group's active member.</summary>
public sealed record ServiceMembership(Guid Id, string Name, bool Active);
