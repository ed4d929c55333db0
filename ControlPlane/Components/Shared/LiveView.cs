using Microsoft.AspNetCore.Components;
using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Components.Shared;

/// <summary>
/// Base of pages that update by themselves: loops started once the page is interactive, owned by
/// the page (cancelled when it is left, failures logged), and a one-second tick for ages. A page's
/// loops follow change feeds (<see cref="ReloadOnChangesAsync"/>); none polls.
/// </summary>
public abstract partial class LiveView : ComponentBase, IDisposable
{
    private static readonly TimeSpan AgeTick = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _leaving = new();

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    [Inject]
    private ILogger<LiveView> Logger { get; set; } = default!;

    protected DateTimeOffset Now { get; private set; }

    public void Dispose()
    {
        _leaving.Cancel();
        _leaving.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void OnInitialized() => Now = Time.GetUtcNow();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            foreach (var loop in LiveLoops())
            {
                _ = RunUntilLeftAsync(loop);
            }

            _ = RunUntilLeftAsync(TickAsync);
        }
    }

    /// <summary>The page's own loops, each consuming a feed until the page is left.</summary>
    protected abstract IEnumerable<Func<CancellationToken, Task>> LiveLoops();

    /// <summary>
    /// Follows <paramref name="feed"/> until the page is left: once per coalesced batch of changes that
    /// <paramref name="concerns"/> the page, reads its data again and re-renders. Once subscribed it
    /// reads again at once: a change published between the page's first read and the subscription
    /// would otherwise be missed until the next one.
    /// </summary>
    protected async Task ReloadOnChangesAsync<TKey>(
        ChangeFeed<TKey> feed, Func<IReadOnlyCollection<TKey>, bool> concerns, Func<CancellationToken, Task> reload, CancellationToken leaving)
        where TKey : notnull
    {
        await using var batches = feed.WatchAsync(leaving).GetAsyncEnumerator(leaving);
        var next = batches.MoveNextAsync(); // subscribes before it first awaits
        await reload(leaving);
        await RenderAsync();
        while (await next)
        {
            if (concerns(batches.Current))
            {
                await reload(leaving);
                await RenderAsync();
            }

            next = batches.MoveNextAsync();
        }
    }

    protected Task RenderAsync() => InvokeAsync(() =>
    {
        Now = Time.GetUtcNow();
        StateHasChanged();
    });

    private async Task TickAsync(CancellationToken leaving)
    {
        using var timer = new PeriodicTimer(AgeTick, Time);
        while (await timer.WaitForNextTickAsync(leaving))
        {
            await RenderAsync();
        }
    }

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
