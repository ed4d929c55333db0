using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;

namespace Vigil.Agent.Hosting;

public static class AgentConfiguration
{
    public const string ConfigFileVariable = "VIGIL_AGENT_CONFIG";
    public const string DefaultConfigFile = "agent.json";

    /// <summary>
    /// Sources, later ones winning: appsettings.json, the agent file (<c>--config</c>,
    /// <c>VIGIL_AGENT_CONFIG</c> or <c>agent.json</c> next to the executable; changes are picked up
    /// without a restart), environment variables, the command line. Options are validated at start.
    /// </summary>
    public static HostApplicationBuilder AddAgentConfiguration(this HostApplicationBuilder builder, string[] args)
    {
        var file = builder.Configuration["config"] ?? Environment.GetEnvironmentVariable(ConfigFileVariable);
        var explicitFile = !string.IsNullOrWhiteSpace(file);
        var path = Path.GetFullPath(explicitFile ? file! : Path.Combine(AppContext.BaseDirectory, DefaultConfigFile));
        if (explicitFile && !File.Exists(path))
        {
            throw new InvalidOperationException($"The agent configuration file {path} does not exist (given by --config or {ConfigFileVariable}).");
        }

        builder.Configuration.AddJsonFile(path, optional: !explicitFile, reloadOnChange: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);

        builder.Services.AddOptions<AgentOptions>()
            .Bind(builder.Configuration.GetSection(AgentOptions.Section))
            .PostConfigure(AgentDefaults.Apply)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        return builder;
    }
}
