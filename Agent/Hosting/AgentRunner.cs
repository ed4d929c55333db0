using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Connection;

namespace Vigil.Agent.Hosting;

public static partial class AgentRunner
{
    /// <summary>
    /// Checks the configuration and the node id, then runs until stopped. A bad setting or an
    /// unusable node id file ends the start with one line saying what to fix, and exit code 1; so
    /// does a component that could not continue (see <see cref="RestartingComponent"/>).
    /// </summary>
    public static async Task<int> RunUntilStoppedAsync(this IHost host)
    {
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil.Agent");
        AgentOptions options;
        try
        {
            options = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
        }
        catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException)
        {
            var reason = exception is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : exception.Message;
            LogInvalidConfiguration(logger, reason);
            return 1;
        }

        Guid nodeId;
        try
        {
            nodeId = host.Services.GetRequiredService<NodeIdentityHolder>().NodeId;
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            LogNoNodeId(logger, options.DataDirectory!, exception.Message);
            return 1;
        }

        LogStarting(logger, AgentDescription.Version, options.NodeName!, nodeId, string.Join(", ", options.ControlPlaneAddresses), options.DataDirectory!);
        ReportRejectedFileChanges(host, logger);
        AgentServiceRecovery.EnsureRestartOnFailure(logger);
        var exit = host.Services.GetService<AgentExit>() ?? new AgentExit();
        await host.RunAsync();
        return exit.Code;
    }

    private static void ReportRejectedFileChanges(IHost host, ILogger logger)
    {
        if (host.Services.GetRequiredService<IConfiguration>() is IConfigurationRoot configuration)
        {
            foreach (var file in configuration.Providers.OfType<AgentFileConfigurationProvider>())
            {
                file.ChangeRejected = reason => LogFileChangeRejected(logger, reason);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a change to the agent configuration file; the settings read before stay in force until it is fixed. {Reason}")]
    private static partial void LogFileChangeRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Invalid configuration: {Reason}")]
    private static partial void LogInvalidConfiguration(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Cannot start: the node id in {DataDirectory} is unusable. {Reason}")]
    private static partial void LogNoNodeId(ILogger logger, string dataDirectory, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vigil agent {Version} starting as node {NodeName} ({NodeId}); control plane {ControlPlaneUrls}; data in {DataDirectory}")]
    private static partial void LogStarting(ILogger logger, string version, string nodeName, Guid nodeId, string controlPlaneUrls, string dataDirectory);
}
