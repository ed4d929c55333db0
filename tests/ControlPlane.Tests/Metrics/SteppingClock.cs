using Microsoft.Extensions.Time.Testing;

namespace Vigil.ControlPlane.Tests.Metrics;

/// <summary>
/// A fake clock whose wall-clock reading can be stepped (as an operator or NTP steps a server's
/// clock) while its monotonic timestamps and timers run on undisturbed.
/// </summary>
internal sealed class SteppingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private TimeSpan _step;

    public void StepWallClock(TimeSpan step) => _step += step;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _step;
}
