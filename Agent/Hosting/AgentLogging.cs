using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Vigil.Agent.Configuration;

namespace Vigil.Agent.Hosting;

public static class AgentLogging
{
    private const string Template = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

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
                Levels(logger, builder.Configuration.GetSection("Serilog:MinimumLevel")).Enrich.FromLogContext(),
                json,
                Path.Combine(logs, "agent-.log")),
            preserveStaticLogger: true,
            writeToProviders: true);
        return builder;
    }

    /// <summary>
    /// <c>Serilog:MinimumLevel:Default</c> (or <c>Serilog:MinimumLevel</c> itself) and the per-source
    /// <c>Serilog:MinimumLevel:Override:&lt;source&gt;</c>, read here rather than by Serilog's
    /// configuration reader, which finds sinks and enrichers by reflection: the sinks are the ones
    /// above, and the agent stays free of reflection, so it can also be compiled ahead of time.
    /// </summary>
    private static LoggerConfiguration Levels(LoggerConfiguration logger, IConfigurationSection section)
    {
        var fallback = section.Value is null ? section.GetSection("Default") : section;
        logger.MinimumLevel.Is(fallback.Value is null ? LogEventLevel.Information : Level(fallback));
        foreach (var source in section.GetSection("Override").GetChildren())
        {
            logger.MinimumLevel.Override(source.Key, Level(source));
        }

        return logger;
    }

    private static LogEventLevel Level(IConfigurationSection setting) =>
        Enum.TryParse<LogEventLevel>(setting.Value, ignoreCase: true, out var level) && Enum.IsDefined(level)
            ? level
            : throw new InvalidOperationException(
                $"{setting.Path} must be Verbose, Debug, Information, Warning, Error or Fatal (was '{setting.Value}').");

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
