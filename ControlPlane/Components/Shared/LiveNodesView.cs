using Microsoft.AspNetCore.Components;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Components.Shared;

/// <summary>
/// Base of pages that show nodes live: they start from a snapshot of the registry, then apply the
/// coalesced batches of changed nodes from <see cref="NodeChangeFeed"/> and re-render once per batch.
/// A one-second tick keeps heartbeat ages current. Leaving the page cancels both.
/// </summary>
public abstract partial class LiveNodesView : ComponentBase, IDisposable
{
    private static readonly TimeSpan AgeTick = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _leaving = new();
    private readonly Dictionary<Guid, NodeStatus> _nodes = [];

    [Inject]
    private NodeRegistry Registry { get; set; } = default!;

    [Inject]
    private NodeChangeFeed Changes { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private ILogger<LiveNodesView> Logger { get; set; } = default!;

    protected IReadOnlyCollection<NodeStatus> NodeList => _nodes.Values;

    protected DateTimeOffset Now { get; private set; }

    public void Dispose()
    {
        _leaving.Cancel();
        _leaving.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void OnInitialized()
    {
        Now = Time.GetUtcNow();
        foreach (var node in Registry.Snapshot())
        {
            _nodes[node.Id] = node;
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _ = RunUntilLeftAsync(ApplyChangesAsync);
            _ = RunUntilLeftAsync(TickAsync);
        }
    }

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

    private async Task TickAsync(CancellationToken leaving)
    {
        using var timer = new PeriodicTimer(AgeTick, Time);
        while (await timer.WaitForNextTickAsync(leaving))
        {
            await RenderAsync();
        }
    }

    private Task RenderAsync() => InvokeAsync(() =>
    {
        Now = Time.GetUtcNow();
        StateHasChanged();
    });

    /// <summary>Owns a page loop: ends quietly when the page is left, logs anything else.</summary>
    private async Task RunUntilLeftAsync(Func<CancellationToken, Task> loop)
    {
        var leaving = _leaving.Token;
        try
        {
            await loop(leaving);
        }
        catch (OperationCanceledException) when (leaving.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (leaving.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            LogLoopFailed(Logger, exception, GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Live update of the {Page} page stopped")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string page);
}
