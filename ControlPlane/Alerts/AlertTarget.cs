namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// What an alert is about: a node, a service on a node, a group, a command or an agent. <see cref="Key"/>
/// identifies it (one open alert per rule and key); the names are what scopes and silences match.
/// </summary>
public sealed record AlertTarget
{
    public required string Key { get; init; }

    /// <summary>The node the target is on, if any; the evaluator fills <see cref="NodeLabels"/> from it.</summary>
    public Guid? NodeId { get; init; }

    public string? NodeName { get; init; }

    public IReadOnlyDictionary<string, string> NodeLabels { get; init; } = new Dictionary<string, string>();

    public string? Service { get; init; }

    public string? Group { get; init; }

    /// <summary>The volume a disk metric is about, if any.</summary>
    public string? Volume { get; init; }

    /// <summary>
    /// For an alert about a group: the node whose change it comes from (the node a switchover or failover
    /// moved the active role away from, the active member's node). A maintenance of that node silences it,
    /// as it silences alerts about the node itself: draining a node pages nobody.
    /// </summary>
    public Guid? CausedByNodeId { get; init; }

    public static AlertTarget Node(Guid nodeId, string nodeName, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Key = $"node/{nodeId}",
        NodeId = nodeId,
        NodeName = nodeName,
        NodeLabels = labels ?? new Dictionary<string, string>(),
    };

    public static AlertTarget ServiceOn(Guid nodeId, string nodeName, string service, IReadOnlyDictionary<string, string>? labels = null) =>
        Node(nodeId, nodeName, labels) with { Key = $"node/{nodeId}/service/{service}", Service = service };

    public static AlertTarget VolumeOn(Guid nodeId, string nodeName, string volume, IReadOnlyDictionary<string, string>? labels = null) =>
        Node(nodeId, nodeName, labels) with { Key = $"node/{nodeId}/volume/{volume}", Volume = volume };

    public static AlertTarget FailoverGroup(Guid groupId, string group) => new() { Key = $"group/{groupId}", Group = group };

    /// <summary>Where, in an operator's words: "service Api on node web-1", "group orders".</summary>
    public string Describe()
    {
        var parts = new List<string>(3);
        if (Service is not null)
        {
            parts.Add($"service {Service}");
        }

        if (Volume is not null)
        {
            parts.Add($"volume {Volume}");
        }

        if (NodeName is not null)
        {
            parts.Add(parts.Count == 0 ? $"node {NodeName}" : $"on node {NodeName}");
        }

        if (Group is not null)
        {
            parts.Add(parts.Count == 0 ? $"group {Group}" : $"in group {Group}");
        }

        return parts.Count == 0 ? Key : string.Join(' ', parts);
    }
}
