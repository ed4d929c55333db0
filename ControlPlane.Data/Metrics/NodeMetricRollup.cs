namespace Vigil.ControlPlane.Data.Metrics;

/// <summary>
/// A node's CPU and memory over one minute or one hour, as reported in its heartbeats. Kept apart
/// from the node's row (no foreign key): rollups are written in batches by their own writer and age
/// out by retention, whatever happens to the node.
/// </summary>
public sealed class NodeMetricRollup
{
    public long Id { get; set; }

    public Guid NodeId { get; set; }

    public MetricResolution Resolution { get; set; }

    /// <summary>The first instant (UTC) of the minute or hour covered.</summary>
    public DateTimeOffset BucketStart { get; set; }

    /// <summary>Mean of the host CPU % of the heartbeats in the bucket, 0–100.</summary>
    public double CpuAverage { get; set; }

    /// <summary>Highest host CPU % reported in the bucket.</summary>
    public double CpuMax { get; set; }

    /// <summary>Mean memory in use (total minus available), in bytes.</summary>
    public long MemoryUsedAverage { get; set; }

    /// <summary>The largest memory total reported in the bucket, in bytes.</summary>
    public long MemoryTotal { get; set; }

    /// <summary>How many heartbeats the bucket combines.</summary>
    public int SampleCount { get; set; }
}
