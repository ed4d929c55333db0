using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Agent.Supervision.WindowsServices;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision;

/// <summary>Chooses, once per service, how the operating system is asked to run it.</summary>
public sealed class ServiceManagerFactory(TimeProvider time, ILoggerFactory loggers)
{
    private readonly IProcessLauncher _launcher = OperatingSystem.IsWindows() ? new WindowsProcessLauncher(loggers.CreateLogger<WindowsProcessLauncher>()) : new UnixProcessLauncher();

    /// <param name="record">Records an event about the service (a lifecycle hook that failed).</param>
    public IServiceManager Create(ManagedServiceDefinition definition, string dataDirectory, Func<bool>? boundToAgent = null, Action<AgentEventKind, string>? record = null)
    {
        if (definition.Kind.Equals(ServiceKinds.Process, StringComparison.OrdinalIgnoreCase))
        {
            var folders = ServiceFolders.For(dataDirectory, definition.Name, definition.Logs.Directory);
            return new ProcessServiceManager(definition, folders, _launcher, time, loggers.CreateLogger<ProcessServiceManager>(), boundToAgent, record);
        }

        return OperatingSystem.IsWindows()
            ? new WindowsScmServiceManager(definition, time)
            : new UnsupportedServiceManager($"'{definition.ServiceName}' is a Windows service, and this node does not run Windows");
    }
}
