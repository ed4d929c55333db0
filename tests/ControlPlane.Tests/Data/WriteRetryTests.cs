using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>The retry every background database writer uses: doubling delays up to a cap, an outage told once when it begins and once when it ends.</summary>
public sealed class WriteRetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_write_that_lands_at_once_tells_nothing_and_waits_for_nothing()
    {
        var clock = new RecordingClock();
        var told = new List<string>();
        var retry = new WriteRetry(clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));

        await retry.UntilWrittenAsync(() => Task.CompletedTask, e => told.Add("began"), d => told.Add("ended"), CancellationToken.None, () => told.Add("failed"));

        Assert.Empty(told);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task Failed_attempts_wait_doubling_delays_up_to_the_cap_and_the_outage_is_told_once_at_each_end()
    {
        var clock = new RecordingClock();
        var writes = new FailingWrites(failures: 5);
        var began = new List<Exception>();
        var ended = new List<TimeSpan>();
        var afterFailures = 0;
        var retry = new WriteRetry(clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));

        var writing = retry.UntilWrittenAsync(writes.WriteAsync, began.Add, ended.Add, CancellationToken.None, () => afterFailures++);
        await clock.ElapseEachDelayAsync(5);
        await writing.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal([1, 2, 4, 4, 4], clock.Delays.Select(d => d.TotalSeconds));
        Assert.Equal(6, writes.Attempts);
        Assert.Same(writes.Thrown[0], Assert.Single(began));
        Assert.Equal(TimeSpan.FromSeconds(15), Assert.Single(ended));
        Assert.Equal(5, afterFailures);
    }

    [Fact]
    public async Task Each_write_starts_again_from_the_first_delay_and_a_new_outage_is_told_again()
    {
        var clock = new RecordingClock();
        var began = 0;
        var ended = 0;
        var retry = new WriteRetry(clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        foreach (var failures in new[] { 2, 1 })
        {
            var writing = retry.UntilWrittenAsync(new FailingWrites(failures).WriteAsync, _ => began++, _ => ended++, CancellationToken.None);
            await clock.ElapseEachDelayAsync(failures);
            await writing.WaitAsync(Patience, TestContext.Current.CancellationToken);
        }

        Assert.Equal([1, 2, 1], clock.Delays.Select(d => d.TotalSeconds));
        Assert.Equal(2, began);
        Assert.Equal(2, ended);
    }

    [Fact]
    public async Task Cancelling_ends_the_wait_but_not_the_outage_which_the_next_landed_write_ends_with_its_whole_length()
    {
        var clock = new RecordingClock();
        var began = 0;
        var ended = new List<TimeSpan>();
        var retry = new WriteRetry(clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        using var stopping = new CancellationTokenSource();

        var first = retry.UntilWrittenAsync(new FailingWrites(failures: 10).WriteAsync, _ => began++, ended.Add, stopping.Token);
        await clock.ElapseEachDelayAsync(1);
        await clock.NextDelay.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience, TestContext.Current.CancellationToken));
        clock.Advance(TimeSpan.FromSeconds(7));

        var second = retry.UntilWrittenAsync(new FailingWrites(failures: 1).WriteAsync, _ => began++, ended.Add, CancellationToken.None);
        await clock.ElapseEachDelayAsync(1);
        await second.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal(1, began);
        Assert.Equal(TimeSpan.FromSeconds(1 + 7 + 1), Assert.Single(ended));
    }

    [Fact]
    public async Task A_write_cancelled_from_inside_is_not_retried()
    {
        var clock = new RecordingClock();
        var attempts = 0;
        var retry = new WriteRetry(clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<OperationCanceledException>(() => retry.UntilWrittenAsync(
            () => { attempts++; throw new OperationCanceledException(); }, _ => Assert.Fail("no outage"), null, CancellationToken.None));

        Assert.Equal(1, attempts);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task A_write_the_database_refuses_while_it_answers_is_given_up_after_a_few_attempts()
    {
        var clock = new RecordingClock();
        var writes = new FailingWrites(failures: int.MaxValue);
        var retry = new WriteRetry(clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        var writing = retry.UntilWrittenOrRefusedAsync(writes.WriteAsync, _ => Task.FromResult(true), null, null, CancellationToken.None);
        await clock.ElapseEachDelayAsync(WriteRetry.RefusedAfter - 1);
        var refused = await writing.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Same(writes.Thrown[^1], refused);
        Assert.Equal(WriteRetry.RefusedAfter, writes.Attempts);
    }

    [Fact]
    public async Task A_write_that_fails_while_the_database_does_not_answer_is_retried_until_it_lands()
    {
        var clock = new RecordingClock();
        var writes = new FailingWrites(failures: WriteRetry.RefusedAfter + 2);
        var retry = new WriteRetry(clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        var writing = retry.UntilWrittenOrRefusedAsync(writes.WriteAsync, _ => Task.FromResult(false), null, null, CancellationToken.None);
        await clock.ElapseEachDelayAsync(WriteRetry.RefusedAfter + 2);

        Assert.Null(await writing.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(WriteRetry.RefusedAfter + 3, writes.Attempts);
    }

    /// <summary>Fails its first <c>failures</c> attempts with a distinct exception each, then lands.</summary>
    private sealed class FailingWrites(int failures)
    {
        public int Attempts { get; private set; }

        public List<Exception> Thrown { get; } = [];

        public Task WriteAsync()
        {
            Attempts++;
            if (Attempts > failures)
            {
                return Task.CompletedTask;
            }

            var exception = new InvalidOperationException($"attempt {Attempts}: the database is away");
            Thrown.Add(exception);
            return Task.FromException(exception);
        }
    }

    /// <summary>A fake clock that records each delay asked of it, so a test elapses exactly that delay once it is being waited on.</summary>
    private sealed class RecordingClock : FakeTimeProvider
    {
        public List<TimeSpan> Delays { get; } = [];

        public SemaphoreSlim NextDelay { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            lock (Delays)
            {
                Delays.Add(dueTime);
            }

            NextDelay.Release();
            return timer;
        }

        /// <summary>Waits for each of the next <paramref name="count"/> delays to begin, and lets it elapse.</summary>
        public async Task ElapseEachDelayAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await NextDelay.WaitAsync(Patience, TestContext.Current.CancellationToken), $"delay {i + 1} of {count} never began");
                lock (Delays)
                {
                    Advance(Delays[^1]);
                }
            }
        }
    }
}
