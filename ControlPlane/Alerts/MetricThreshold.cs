namespace Vigil.ControlPlane.Alerts;

/// <summary>A metric the agents report, as a threshold rule sees it.</summary>
public enum AlertMetric
{
    /// <summary>Host CPU use, 0–100.</summary>
    HostCpuPercent,

    /// <summary>Host memory in use, 0–100.</summary>
    HostMemoryUsedPercent,

    /// <summary>Free space of a volume, 0–100 (one target per volume).</summary>
    VolumeFreePercent,

    /// <summary>A service process's working set, in bytes.</summary>
    ServiceWorkingSetBytes,

    /// <summary>A service process's open handles (Windows).</summary>
    ServiceHandles,

    /// <summary>A service process's threads.</summary>
    ServiceThreads,
}

/// <summary>How a metric's value is compared with the threshold.</summary>
public enum ThresholdComparison
{
    Above,
    Below,

    /// <summary>The value grew by more than the threshold over <see cref="MetricThreshold.Window"/> (a leak).</summary>
    GrowsBy,
}

/// <summary>When a metric counts as crossed.</summary>
public sealed record MetricThreshold(AlertMetric Metric, ThresholdComparison Comparison, double Value)
{
    /// <summary>For <see cref="ThresholdComparison.GrowsBy"/>: the span the growth is measured over.</summary>
    public TimeSpan Window { get; init; }

    public string Describe() => Comparison switch
    {
        ThresholdComparison.Above => $"{Metric} above {Value}",
        ThresholdComparison.Below => $"{Metric} below {Value}",
        _ => $"{Metric} grew by more than {Value} within {Window}",
    };
}
