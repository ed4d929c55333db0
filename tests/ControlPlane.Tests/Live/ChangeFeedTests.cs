using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Live;

namespace Vigil.ControlPlane.Tests.Live;

/// <summary>
/// The one coalescing feed every live view follows (nodes, events, groups, drills, alerts, commands
/// are each a feed of this type over their own keys). Absence is shown without waiting: whatever was
/// published before a marker arrives in the marker's batch.
/// </summary>
public sealed class ChangeFeedTests : IAsyncDisposable
{
    private static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(250);
    private readonly FakeTimeProvider _clock = new();
    private readonly NamedFeed _feed;
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<IReadOnlyCollection<string>> _batches;

    public ChangeFeedTests()
    {
        _feed = new NamedFeed(_clock);
        _batches = _feed.WatchAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _batches.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task Many_changes_arrive_as_one_batch_of_distinct_keys()
    {
        var batch = await BatchAfterAsync(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                _feed.Publish(i % 2 == 0 ? "web" : "db");
            }
        });

        Assert.Equal(["db", "web"], batch.Order());
    }

    [Fact]
    public async Task A_change_after_a_batch_starts_the_next_batch_with_only_that_change()
    {
        await BatchAfterAsync(() => _feed.Publish("web"));

        Assert.Equal(["db"], await BatchAfterAsync(() => _feed.Publish("db")));
    }

    [Fact]
    public async Task A_batch_is_not_yielded_before_the_coalescing_window_has_passed()
    {
        var published = _clock.GetUtcNow();

        await BatchAfterAsync(() => _feed.Publish("web"));

        Assert.True(_clock.GetUtcNow() - published >= Coalescing);
    }

    [Fact]
    public async Task Time_passing_without_a_change_yields_nothing()
    {
        var next = _batches.MoveNextAsync().AsTask();
        _clock.Advance(TimeSpan.FromSeconds(10));

        _feed.Publish("marker");

        Assert.True(await FeedClock.AdvanceUntilAsync(_clock, next));
        Assert.Equal(["marker"], _batches.Current);
    }

    [Fact]
    public async Task Changes_published_before_a_subscriber_came_are_not_kept_for_it()
    {
        var late = new NamedFeed(_clock);
        late.Publish("web");
        await using var batches = late.WatchAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
        var next = batches.MoveNextAsync().AsTask();

        late.Publish("marker");

        Assert.True(await FeedClock.AdvanceUntilAsync(_clock, next));
        Assert.Equal(["marker"], batches.Current);
    }

    [Fact]
    public async Task Every_subscriber_receives_the_changes_and_one_that_left_no_longer_holds_the_others_up()
    {
        await using var other = _feed.WatchAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
        using var leaving = new CancellationTokenSource();
        var left = _feed.WatchAsync(leaving.Token).GetAsyncEnumerator(leaving.Token);
        var leftNext = left.MoveNextAsync().AsTask();
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leftNext);
        await left.DisposeAsync();
        var otherNext = other.MoveNextAsync().AsTask();

        var batch = await BatchAfterAsync(() => _feed.Publish("web"));

        Assert.True(await FeedClock.AdvanceUntilAsync(_clock, otherNext));
        Assert.Equal(["web"], batch);
        Assert.Equal(["web"], other.Current);
    }

    private async Task<IReadOnlyCollection<string>> BatchAfterAsync(Action publish)
    {
        var next = _batches.MoveNextAsync().AsTask();
        publish();
        Assert.True(await FeedClock.AdvanceUntilAsync(_clock, next));
        return _batches.Current;
    }

    private sealed class NamedFeed(TimeProvider time) : ChangeFeed<string>(time, Coalescing);
}
