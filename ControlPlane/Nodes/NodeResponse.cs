using System.ComponentModel;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Nodes;

/// <summary>A node as the REST API returns it.</summary>
public sealed record NodeResponse(
    Guid Id,
    string Name,
    NodeLiveness Liveness,
    string LivenessReason,
    DateTimeOffset LivenessChangedAt,
    bool Connected,
    DateTimeOffset LastSeenAt,
    double LastSeenAgeSeconds,
    DateTimeOffset FirstSeenAt,
    string AgentVersion,
    string OperatingSystem,
    int ProcessorCount,
    int HeartbeatIntervalMs,
    IReadOnlyDictionary<string, string> Labels,
    HostMetrics? Host,
    IReadOnlyList<ServiceReport> Services,
    IReadOnlyList<RoleReport> Roles,
    long ConfigVersion,
    RemoteExecutionPolicy? RemoteExecution,
    [property: Description("The node is in maintenance now: kept out of elections, its alerts silenced.")] bool InMaintenance,
    [property: Description("Who put the node in maintenance, why, since and until when; null when it never was or has left.")] NodeMaintenance? Maintenance)
{
    public static NodeResponse From(NodeStatus node, DateTimeOffset now) => new(
        node.Id,
        node.Name,
        node.Liveness,
        node.LivenessReason,
        node.LivenessChangedAt,
        node.Connected,
        node.LastSeenAt,
        Math.Max(0, Math.Round((now - node.LastSeenAt).TotalSeconds, 1)),
        node.FirstSeenAt,
        node.AgentVersion,
        node.OperatingSystem,
        node.ProcessorCount,
        (int)node.HeartbeatInterval.TotalMilliseconds,
        node.Labels,
        node.Host,
        node.Services,
        node.Roles,
        node.ConfigVersion,
        node.RemoteExecution,
        node.Maintenance?.InForceAt(now) == true,
        node.Maintenance);
}

/// <summary>One page of a list.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);
