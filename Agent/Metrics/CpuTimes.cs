namespace Vigil.Agent.Metrics;

/// <summary>Cumulative CPU time counters of the host, in any unit, as the OS reports them.</summary>
public readonly record struct CpuTimes(ulong Busy, ulong Total)
{
    /// <summary>The share of time the CPUs were busy between <paramref name="earlier"/> and this sample, 0–100.</summary>
    public double BusyPercentSince(CpuTimes earlier)
    {
        if (Total <= earlier.Total || Busy < earlier.Busy)
        {
            return 0;
        }

        var percent = 100.0 * (Busy - earlier.Busy) / (Total - earlier.Total);
        return Math.Clamp(percent, 0, 100);
    }
}
