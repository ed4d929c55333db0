using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Tests.Nodes;

public sealed class NodeChangeFeedTests
{
    private static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Many_changes_arrive_as_one_batch_of_distinct_nodes()
    {
        var clock = new FakeTimeProvider();
        var feed = new NodeChangeFeed(clock, Coalescing);
        using var stop = new CancellationTokenSource();
        await using var batches = feed.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = batches.MoveNextAsync().AsTask();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();

        for (var i = 0; i < 1000; i++)
        {
            feed.Publish(i % 2 == 0 ? a : b);
        }

        Assert.True(await AdvanceUntilAsync(clock, next));
        Assert.Equal(new[] { a, b }.Order(), batches.Current.Order());
    }

    [Fact]
    public async Task A_change_after_a_batch_starts_the_next_batch()
    {
        var clock = new FakeTimeProvider();
        var feed = new NodeChangeFeed(clock, Coalescing);
        using var stop = new CancellationTokenSource();
        await using var batches = feed.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var next = batches.MoveNextAsync().AsTask();
        feed.Publish(first);
        await AdvanceUntilAsync(clock, next);

        next = batches.MoveNextAsync().AsTask();
        feed.Publish(second);

        Assert.True(await AdvanceUntilAsync(clock, next));
        Assert.Equal([second], batches.Current);
    }

    [Fact]
    public async Task Nothing_is_yielded_until_a_node_changes()
    {
        var clock = new FakeTimeProvider();
        var feed = new NodeChangeFeed(clock, Coalescing);
        using var stop = new CancellationTokenSource();
        await using var batches = feed.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);

        var next = batches.MoveNextAsync().AsTask();
        clock.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(50, TestContext.Current.CancellationToken);

        Assert.False(next.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    [Fact]
    public async Task Changes_published_with_no_subscriber_are_not_kept()
    {
        var clock = new FakeTimeProvider();
        var feed = new NodeChangeFeed(clock, Coalescing);
        feed.Publish(Guid.NewGuid());
        using var stop = new CancellationTokenSource();
        await using var batches = feed.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);

        var next = batches.MoveNextAsync().AsTask();
        clock.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50, TestContext.Current.CancellationToken);

        Assert.False(next.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    /// <summary>Advances the fake clock in small steps until the batch arrives (the delay is set on another thread).</summary>
    private static async Task<bool> AdvanceUntilAsync(FakeTimeProvider clock, Task<bool> next)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!next.IsCompleted && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(1);
        }

        return await next;
    }
}
