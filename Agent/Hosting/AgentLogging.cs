using System.Globalization;
using Serilog;
using Serilog.Formatting;
using Serilog.Settings.Configuration;
using Vigil.Agent.Configuration;

namespace Vigil.Agent.Hosting;

public static class AgentLogging
{
    private const string Template = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// The assemblies <c>Serilog</c> settings may name sinks from. Naming them spares the scan of
    /// every dependency at start, which costs a few megabytes of memory for the agent's lifetime.
    /// </summary>
    private static readonly ConfigurationReaderOptions SinkAssemblies = new(
        typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(FileLoggerConfigurationExtensions).Assembly);

    /// <summary>
    /// Serilog to the console and daily files under <c>&lt;data&gt;/logs</c>. Providers in DI (the
    /// Windows Event Log when running as a service) keep receiving every event.
    /// </summary>
    public static HostApplicationBuilder AddAgentLogging(this HostApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"{AgentOptions.Section}:{nameof(AgentOptions.DataDirectory)}"];
        var logs = Path.Combine(string.IsNullOrWhiteSpace(configured) ? AgentDefaults.DataDirectory : Path.GetFullPath(configured), "logs");
        var json = AgentLogFormat.JsonFormatterFor(builder.Configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(
            (services, logger) => WriteTo(
                logger
                    .MinimumLevel.Information()
                    .ReadFrom.Configuration(builder.Configuration, SinkAssemblies)
                    .Enrich.FromLogContext(),
                json,
                Path.Combine(logs, "agent-.log")),
            preserveStaticLogger: true,
            writeToProviders: true);
        return builder;
    }

    private static LoggerConfiguration WriteTo(LoggerConfiguration sinks, ITextFormatter? json, string path)
    {
        const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}";
        const long FileSizeLimit = 20 * 1024 * 1024;
        const int RetainedFiles = 10;
        return json is null
            ? sinks
                .WriteTo.Console(outputTemplate: Template, formatProvider: CultureInfo.InvariantCulture)
                .WriteTo.File(path, rollingInterval: RollingInterval.Day, fileSizeLimitBytes: FileSizeLimit, rollOnFileSizeLimit: true,
                    retainedFileCountLimit: RetainedFiles, outputTemplate: FileTemplate, formatProvider: CultureInfo.InvariantCulture)
            : sinks
                .WriteTo.Console(json)
                .WriteTo.File(json, path, rollingInterval: RollingInterval.Day, fileSizeLimitBytes: FileSizeLimit, rollOnFileSizeLimit: true,
                    retainedFileCountLimit: RetainedFiles);
    }
}
