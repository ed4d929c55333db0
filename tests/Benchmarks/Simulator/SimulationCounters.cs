namespace Vigil.Benchmarks.Simulator;

/// <summary>What the simulated agents saw; heartbeats count only while <see cref="Measuring"/> is on.</summary>
public sealed class SimulationCounters
{
    private long _registered;
    private long _registrationFailures;
    private long _disconnects;
    private long _acknowledged;
    private long _failures;
    private volatile string? _lastError;

    public bool Measuring { get; set; }

    public LatencyHistogram Latency { get; } = new();

    public long RegisteredAgents => Interlocked.Read(ref _registered);

    public long RegistrationFailures => Interlocked.Read(ref _registrationFailures);

    public long Disconnects => Interlocked.Read(ref _disconnects);

    public long AcknowledgedHeartbeats => Interlocked.Read(ref _acknowledged);

    public long FailedHeartbeats => Interlocked.Read(ref _failures);

    public string? LastError => _lastError;

    public void Registered() => Interlocked.Increment(ref _registered);

    public void Disconnected() => Interlocked.Increment(ref _disconnects);

    public void Acknowledged(TimeSpan latency)
    {
        if (Measuring)
        {
            Interlocked.Increment(ref _acknowledged);
            Latency.Record(latency);
        }
    }

    public void RegistrationFailed(Exception exception)
    {
        _lastError = exception.Message;
        Interlocked.Increment(ref _registrationFailures);
    }

    public void HeartbeatFailed(Exception exception)
    {
        _lastError = exception.Message;
        if (Measuring)
        {
            Interlocked.Increment(ref _failures);
        }
    }
}
