using Vigil.Agent.Connection;
using Vigil.Agent.Metrics;

namespace Vigil.Agent.Hosting;

public static class AgentServices
{
    /// <summary>Runs as a Windows service, a systemd unit, or in a console, whichever started it.</summary>
    public static HostApplicationBuilder AddAgentHosting(this HostApplicationBuilder builder)
    {
        builder.Services.AddWindowsService(service => service.ServiceName = "VigilAgent");
        builder.Services.AddSystemd();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Host metrics from the operating system's own source, chosen once.</summary>
    public static HostApplicationBuilder AddHostMetrics(this HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IHostMetricsReader>(_ =>
            OperatingSystem.IsWindows() ? new WindowsHostMetricsReader()
            : OperatingSystem.IsLinux() ? new ProcfsHostMetricsReader()
            : new PortableHostMetricsReader());
        return builder;
    }

    /// <summary>The connection to the control plane: register, heartbeat, reconnect forever.</summary>
    public static HostApplicationBuilder AddControlPlaneConnection(this HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NodeIdentityHolder>();
        builder.Services.AddHostedService<ControlPlaneConnection>();
        return builder;
    }
}
