namespace Vigil.ControlPlane.Monitoring;

/// <summary>The <c>/metrics</c> endpoint for Prometheus. Bound from <c>Metrics:Prometheus</c>.</summary>
public sealed class PrometheusOptions
{
    public const string Section = "Metrics:Prometheus";

    /// <summary>Whether <c>/metrics</c> is served at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether a scraper on this machine may read <c>/metrics</c> without an API key. Off by default:
    /// the metrics name nodes' counts and states, which only roles may read.
    /// </summary>
    public bool AnonymousFromLoopback { get; set; }
}
