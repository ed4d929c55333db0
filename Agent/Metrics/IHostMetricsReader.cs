using Vigil.Shared.Messages;

namespace Vigil.Agent.Metrics;

/// <summary>Measures the host's CPU, memory and uptime; one implementation per operating system.</summary>
public interface IHostMetricsReader
{
    /// <summary>CPU use is measured since the previous call (or since the reader was created).</summary>
    HostMetrics Read();
}
