namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// Which targets a rule covers. Empty lists mean "any"; each non-empty list must match (nodes by
/// name, nodes by label <c>key=value</c>, groups, services), so <c>Services=[Api], NodeLabels=[env=prod]</c>
/// covers the Api service on production nodes only.
/// </summary>
public sealed record AlertScope
{
    public static readonly AlertScope All = new();

    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>Labels as <c>key=value</c>; a node matches when it carries any of them.</summary>
    public IReadOnlyList<string> NodeLabels { get; init; } = [];

    public IReadOnlyList<string> Groups { get; init; } = [];

    public IReadOnlyList<string> Services { get; init; } = [];

    public bool Covers(AlertTarget target) =>
        MatchesName(Nodes, target.NodeName)
        && MatchesName(Groups, target.Group)
        && MatchesName(Services, target.Service)
        && (NodeLabels.Count == 0 || NodeLabels.Any(label => CarriesLabel(target, label)));

    private static bool MatchesName(IReadOnlyList<string> names, string? name) =>
        names.Count == 0 || (name is not null && names.Contains(name, StringComparer.OrdinalIgnoreCase));

    private static bool CarriesLabel(AlertTarget target, string label)
    {
        var equals = label.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            && target.NodeLabels.TryGetValue(label[..equals], out var value)
            && string.Equals(value, label[(equals + 1)..], StringComparison.Ordinal);
    }
}
