using System.Runtime.Versioning;
using System.ServiceProcess;
using Microsoft.Extensions.Hosting.WindowsServices;
using Vigil.Agent.Supervision.WindowsServices;

namespace Vigil.Agent.Hosting;

/// <summary>
/// When the agent runs as a Windows service it makes the service control manager restart it if it
/// ever dies: recovery actions "restart after 1 s", set at each start so that an install by hand
/// (sc.exe create) is covered as well as the MSI.
/// </summary>
public static partial class AgentServiceRecovery
{
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);

    public static void EnsureRestartOnFailure(ILogger logger)
    {
        if (!OperatingSystem.IsWindows() || !WindowsServiceHelpers.IsWindowsService())
        {
            return;
        }

        Apply(logger);
    }

    [SupportedOSPlatform("windows")]
    private static void Apply(ILogger logger)
    {
        var name = OwnServiceName();
        if (name is null)
        {
            LogNotFound(logger, Environment.ProcessId);
            return;
        }

        var error = ScmNative.SetRestartOnFailure(name, RestartDelay);
        if (error == 0)
        {
            LogSet(logger, name, RestartDelay.TotalSeconds);
        }
        else
        {
            LogFailed(logger, name, error, new System.ComponentModel.Win32Exception(error).Message);
        }
    }

    /// <summary>The service this process runs as: the one whose process id is ours (the name given at install may be anything).</summary>
    [SupportedOSPlatform("windows")]
    private static string? OwnServiceName()
    {
        foreach (var service in ServiceController.GetServices())
        {
            using (service)
            {
                try
                {
                    if (ScmNative.QueryStatus(service.ServiceHandle) is { } status && status.ProcessId == Environment.ProcessId)
                    {
                        return service.ServiceName;
                    }
                }
                catch (InvalidOperationException)
                {
                    // Not ours to query.
                }
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery actions of the Windows service {ServiceName} set: restart {DelaySeconds} s after a failure")]
    private static partial void LogSet(ILogger logger, string serviceName, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not set the recovery actions of the Windows service {ServiceName} (error {Error}: {Reason}); set them with: sc.exe failure {ServiceName} reset= 86400 actions= restart/5000/restart/5000/restart/5000")]
    private static partial void LogFailed(ILogger logger, string serviceName, int error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running as a Windows service but no service lists process {ProcessId}; recovery actions not set")]
    private static partial void LogNotFound(ILogger logger, int processId);
}
