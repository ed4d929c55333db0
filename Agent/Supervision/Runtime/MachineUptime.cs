namespace Vigil.Agent.Supervision.Runtime;

/// <summary>
/// How long the machine has been up: read from the operating system once, when the agent starts
/// (<see cref="Environment.TickCount64"/>: milliseconds since boot on Windows and Linux), then carried
/// forward on the agent's monotonic clock.
/// </summary>
public sealed class MachineUptime(TimeProvider time, TimeSpan atStart)
{
    private readonly long _start = time.GetTimestamp();

    public MachineUptime(TimeProvider time)
        : this(time, TimeSpan.FromMilliseconds(Environment.TickCount64))
    {
    }

    public TimeSpan Now => atStart + time.GetElapsedTime(_start);
}
