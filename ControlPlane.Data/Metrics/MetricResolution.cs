namespace Vigil.ControlPlane.Data.Metrics;

/// <summary>How much time one stored metric rollup covers.</summary>
public enum MetricResolution
{
    /// <summary>One minute of heartbeats.</summary>
    Minute,

    /// <summary>One hour, combined from the minute rollups of that hour.</summary>
    Hour,
}
