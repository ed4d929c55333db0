using Microsoft.Extensions.Options;
using Vigil.Agent.Commands;
using Vigil.Agent.Configuration;
using Vigil.Agent.Connection;
using Vigil.Agent.Events;
using Vigil.Agent.Metrics;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Storage;
using Vigil.Agent.Supervision;
using Vigil.Agent.Supervision.Runtime;

namespace Vigil.Agent.Hosting;

public static class AgentServices
{
    /// <summary>Runs as a Windows service, a systemd unit, or in a console, whichever started it.</summary>
    public static HostApplicationBuilder AddAgentHosting(this HostApplicationBuilder builder)
    {
        builder.Services.AddWindowsService(service => service.ServiceName = "VigilAgent");
        if (OperatingSystem.IsWindows())
        {
            builder.Services.Configure<Microsoft.Extensions.Logging.EventLog.EventLogSettings>(NameEventLogSource);
        }

        builder.Services.AddSystemd();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentExit>();

        // Every component runs as a RestartingComponent, which logs its failures and starts it again;
        // anything else that fails stops the agent rather than leave it running without a part.
        builder.Services.Configure<HostOptions>(host => host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost);
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

    /// <summary>
    /// The managed services: the durable event outbox, the desired configuration from the control
    /// plane, and the supervisor. Registered before the connection, so that on stop the connection
    /// says goodbye first and the services are dealt with after.
    /// </summary>
    public static HostApplicationBuilder AddSupervision(this HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => new EventOutbox(
            Path.Combine(DataDirectory(services), "outbox"), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<EventOutbox>>()));
        builder.Services.AddSingleton<AgentEvents>();
        builder.Services.AddSingleton(_ => IDataFolderAccess.ForThisMachine());
        builder.Services.AddSingleton(services => new DesiredConfigurationStore(
            DataDirectory(services), services.GetRequiredService<IDataFolderAccess>(), services.GetRequiredService<ILogger<DesiredConfigurationStore>>()));
        builder.Services.AddSingleton(services => new RoleKeeper(
            DataDirectory(services), services.GetRequiredService<AgentEvents>(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<RoleKeeper>>()));
        builder.Services.AddComponent<RoleKeeper>("role keeper");
        builder.Services.AddSingleton(services => new CommandJournal(DataDirectory(services)));
        builder.Services.AddSingleton<RoleHookRunner>();
        builder.Services.AddSingleton<CommandExecutor>();
        builder.Services.AddSingleton<RoleEndpoint>();
        builder.Services.AddComponent<RoleEndpoint>("role endpoint");
        builder.Services.AddSingleton(services => new MachineUptime(services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ServiceManagerFactory>();
        builder.Services.AddSingleton<Supervisor>();
        builder.Services.AddSingleton<IServiceReports>(services => services.GetRequiredService<Supervisor>());
        builder.Services.AddComponent<Supervisor>("supervisor");
        return builder;
    }

    /// <summary>The connection to the control plane: register, heartbeat, reconnect forever.</summary>
    public static HostApplicationBuilder AddControlPlaneConnection(this HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NodeIdentityHolder>();
        builder.Services.AddSingleton<AgentEnrolment>();
        builder.Services.AddSingleton<ControlPlaneConnection>();
        builder.Services.AddComponent<ControlPlaneConnection>("connection to the control plane");
        return builder;
    }

    /// <summary>Runs the component, registered as a singleton, as a <see cref="RestartingComponent"/>, in the order of registration.</summary>
    private static void AddComponent<T>(this IServiceCollection services, string name)
        where T : BackgroundService =>
        services.AddSingleton<IHostedService>(provider => new RestartingComponent(
            provider.GetRequiredService<T>(),
            name,
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<AgentExit>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RestartingComponent>>()));

    /// <summary>
    /// The source the agent's entries carry in the Windows Event Log (Application log), and what goes
    /// there: the agent's events at every level, under their stable IDs (<see cref="AgentEventLogEntries"/>),
    /// and other entries from warnings up.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static void NameEventLogSource(Microsoft.Extensions.Logging.EventLog.EventLogSettings settings)
    {
        settings.SourceName = "Vigil Agent";
        settings.Filter = AgentEventLogEntries.GoesToTheEventLog;
    }

    private static string DataDirectory(IServiceProvider services) => services.GetRequiredService<IOptions<AgentOptions>>().Value.DataDirectory!;
}
