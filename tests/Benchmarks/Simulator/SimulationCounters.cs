namespace Vigil.Benchmarks.Simulator;

/// <summary>What the simulated agents saw; heartbeats count only while <see cref="Measuring"/> is on.</summary>
public sealed class SimulationCounters
{
    private long _registered;
    private long _registrationFailures;
    private long _disconnects;
    private long _acknowledged;
    private long _allAcknowledged;
    private long _periodMaxTicks;
    private long _failures;
    private long _timeouts;
    private long _missedWhileAway;
    private volatile bool _measuring;
    private volatile string? _lastError;

    /// <summary>On only during the measurement window; acknowledgements and failures count only then.</summary>
    public bool Measuring
    {
        get => _measuring;
        set => _measuring = value;
    }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>From a lost connection to the registration on an address that answered (with --rehome), measuring or not.</summary>
    public LatencyHistogram Rehoming { get; } = new();

    /// <summary>Heartbeats not sent because the agent was between connections, measuring or not.</summary>
    public long HeartbeatsMissedWhileAway => Interlocked.Read(ref _missedWhileAway);

    public long RegisteredAgents => Interlocked.Read(ref _registered);

    public long RegistrationFailures => Interlocked.Read(ref _registrationFailures);

    public long Disconnects => Interlocked.Read(ref _disconnects);

    public long AcknowledgedHeartbeats => Interlocked.Read(ref _acknowledged);

    /// <summary>Acknowledgements since the start, measuring or not (for the progress lines).</summary>
    public long AllAcknowledged => Interlocked.Read(ref _allAcknowledged);

    public long FailedHeartbeats => Interlocked.Read(ref _failures);

    /// <summary>Heartbeats with no answer within the call timeout (the real agent would reconnect).</summary>
    public long TimedOutHeartbeats => Interlocked.Read(ref _timeouts);

    public string? LastError => _lastError;

    public void Registered() => Interlocked.Increment(ref _registered);

    public void Disconnected() => Interlocked.Increment(ref _disconnects);

    public void Rehomed(TimeSpan away) => Rehoming.Record(away);

    public void MissedWhileAway() => Interlocked.Increment(ref _missedWhileAway);

    public void Acknowledged(TimeSpan latency)
    {
        Interlocked.Increment(ref _allAcknowledged);
        LatencyHistogram.RaiseTo(ref _periodMaxTicks, latency.Ticks);
        if (Measuring)
        {
            Interlocked.Increment(ref _acknowledged);
            Latency.Record(latency);
        }
    }

    /// <summary>The slowest acknowledgement since the last call.</summary>
    public TimeSpan TakePeriodMaxLatency() => TimeSpan.FromTicks(Interlocked.Exchange(ref _periodMaxTicks, 0));

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
            _ = exception is TimeoutException ? Interlocked.Increment(ref _timeouts) : Interlocked.Increment(ref _failures);
        }
    }
}
