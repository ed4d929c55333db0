using Microsoft.Extensions.Time.Testing;

namespace Vigil.ControlPlane.Tests.Live;

/// <summary>Drives a change feed's coalescing delay on a fake clock.</summary>
internal static class FeedClock
{
    /// <summary>Advances the fake clock in small steps until the batch arrives (the delay is set on another thread), within a deadline.</summary>
    public static async Task<bool> AdvanceUntilAsync(FakeTimeProvider clock, Task<bool> next)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!next.IsCompleted && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        return await next;
    }
}
