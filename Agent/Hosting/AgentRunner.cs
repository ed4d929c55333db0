using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Connection;

namespace Vigil.Agent.Hosting;

public static class AgentRunner
{
    /// <summary>
    /// Checks the configuration and the node id, then runs until stopped. A bad setting ends the
    /// start with one line naming the key, and exit code 1.
    /// </summary>
    public static async Task<int> RunUntilStoppedAsync(this IHost host)
    {
        try
        {
            _ = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
            _ = host.Services.GetRequiredService<NodeIdentityHolder>().NodeId;
        }
        catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            var reason = exception is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : exception.Message;
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil.Agent").LogCritical("Invalid configuration: {Reason}", reason);
            return 1;
        }

        await host.RunAsync();
        return 0;
    }
}
