namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>One machine's clocks: the shared monotonic clock, and a wall clock off by a fixed amount.</summary>
internal sealed class SkewedClock(TimeProvider shared, TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => shared.GetUtcNow() + offset;

    public override long GetTimestamp() => shared.GetTimestamp();

    public override long TimestampFrequency => shared.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => shared.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => shared.CreateTimer(callback, state, dueTime, period);
}
