using Microsoft.AspNetCore.Components;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Components.Shared;

/// <summary>
/// Base of pages that show every node live: they start from a snapshot of the registry, then apply
/// the coalesced batches of changed nodes from <see cref="NodeChangeFeed"/>, re-rendering once per batch.
/// </summary>
public abstract class LiveNodesView : LiveView
{
    private readonly Dictionary<Guid, NodeStatus> _nodes = [];

    [Inject]
    private NodeRegistry Registry { get; set; } = default!;

    [Inject]
    private NodeChangeFeed Changes { get; set; } = default!;

    protected IReadOnlyCollection<NodeStatus> NodeList => _nodes.Values;

    protected override void OnInitialized()
    {
        base.OnInitialized();
        foreach (var node in Registry.Snapshot())
        {
            _nodes[node.Id] = node;
        }
    }

    protected override IEnumerable<Func<CancellationToken, Task>> LiveLoops() => [ApplyChangesAsync];

    private async Task ApplyChangesAsync(CancellationToken leaving)
    {
        await foreach (var changed in Changes.WatchAsync(leaving))
        {
            foreach (var nodeId in changed)
            {
                if (Registry.Find(nodeId) is { } node)
                {
                    _nodes[nodeId] = node;
                }
            }

            await RenderAsync();
        }
    }
}
