using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Storage;

namespace Vigil.Agent.Hosting;

public static class AgentConfiguration
{
    public const string ConfigFileVariable = "VIGIL_AGENT_CONFIG";
    public const string DefaultConfigFile = "agent.json";

    /// <summary>
    /// The host builder, rooted next to the executable (where <c>appsettings.json</c> is, whatever the
    /// working directory of a service), with the agent's configuration. A file that cannot be read
    /// throws <see cref="InvalidOperationException"/> with a message naming it.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        HostApplicationBuilder builder;
        try
        {
            builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = args,
                ContentRootPath = AppContext.BaseDirectory,
            });
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidOperationException(Describe(exception), exception);
        }

        return builder.AddAgentConfiguration(args);
    }

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

        var source = new AgentFileConfigurationSource { Path = path, Optional = !explicitFile, ReloadOnChange = true };
        source.ResolveFileProvider();
        try
        {
            ((IConfigurationBuilder)builder.Configuration).Add(source);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidOperationException(Describe(exception), exception);
        }

        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);

        var section = builder.Configuration.GetSection(AgentOptions.Section);
        builder.Services.AddOptions<AgentOptions>()
            .Bind(section)
            // A record of init properties, which the generated binder leaves alone.
            .Configure(options => options.RestartDefaults = ConfigurationJson.Read(
                section.GetSection(nameof(AgentOptions.RestartDefaults)), AgentLineJson.Default.RestartSettings) ?? new())
            .PostConfigure(AgentDefaults.Apply)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        return builder;
    }

    /// <summary>
    /// One line for a configuration file that does not load: the loader's sentence (it names the
    /// file) and the parser's, which gives the line and position.
    /// </summary>
    internal static string Describe(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return ReferenceEquals(innermost, exception) ? exception.Message : $"{exception.Message} {innermost.Message}";
    }
}
