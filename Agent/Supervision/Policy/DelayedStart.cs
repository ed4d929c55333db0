using Vigil.Agent.Supervision.Machine;

namespace Vigil.Agent.Supervision.Policy;

/// <summary>
/// A service's start delay (<see cref="Shared.Services.ManagedServiceDefinition.StartDelay"/>), as Windows'
/// "Automatic (Delayed Start)": its first start waits until the machine has been up that long, so that
/// what the machine starts at boot is not all started at once. It counts from the boot, not from the
/// agent's start: an agent restarted later (an upgrade, a crash) does not hold back a service it finds
/// stopped. Pure.
/// </summary>
public static class DelayedStart
{
    /// <summary>How much of the delay is left for a machine up for <paramref name="uptime"/>.</summary>
    public static TimeSpan Remaining(TimeSpan startDelay, TimeSpan uptime) => startDelay > uptime ? startDelay - uptime : TimeSpan.Zero;

    /// <summary>The supervision's first state at <paramref name="now"/>: its first start due when the delay is over.</summary>
    public static SupervisionState Initial(TimeSpan startDelay, TimeSpan uptime, TimeSpan now) =>
        Remaining(startDelay, uptime) is var remaining && remaining > TimeSpan.Zero
            ? SupervisionState.Initial with
            {
                StartDue = now + remaining,
                StartReason = $"delayed start: starts once the machine has been up {startDelay} (StartDelay)",
            }
            : SupervisionState.Initial;
}
