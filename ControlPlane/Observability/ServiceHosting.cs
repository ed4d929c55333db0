using Microsoft.Extensions.Hosting.WindowsServices;

namespace Vigil.ControlPlane.Observability;

/// <summary>
/// The control plane as a Windows service (deploy/windows/install-controlplane.ps1 registers it):
/// it reports to the service control manager, stops gracefully on a service stop, and writes
/// warnings and errors to the Application event log as well. In a console nothing changes.
/// </summary>
public static class ServiceHosting
{
    public const string WindowsServiceName = "VigilControlPlane";

    /// <summary>
    /// The host's options: a service starts in the system folder, so its content root (appsettings.json,
    /// wwwroot, a relative data directory) is set to the executable's folder.
    /// </summary>
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = WindowsServiceHelpers.IsWindowsService() ? AppContext.BaseDirectory : null,
    };

    /// <summary>After <see cref="LoggingSetup.AddVigilLogging"/>, whose Serilog passes its events on to the event log provider.</summary>
    public static IHostApplicationBuilder AddVigilServiceHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddWindowsService(service => service.ServiceName = WindowsServiceName);
        builder.Services.AddSingleton<HostExitCode>();
        if (OperatingSystem.IsWindows())
        {
            builder.Services.Configure<Microsoft.Extensions.Logging.EventLog.EventLogSettings>(NameEventLogSource);
        }

        return builder;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static void NameEventLogSource(Microsoft.Extensions.Logging.EventLog.EventLogSettings settings) => settings.SourceName = "Vigil Control Plane";
}
