using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Observability;

public static class LoggingSetup
{
    private const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>Serilog to the console and to daily files under <c>&lt;data&gt;/logs</c>, as text or compact JSON (<see cref="LogFormat"/>); levels from the <c>Serilog</c> section.</summary>
    public static IHostApplicationBuilder AddVigilLogging(this IHostApplicationBuilder builder)
    {
        var logs = Path.Combine(DataDirectoryOptions.From(builder.Configuration, builder.Environment.ContentRootPath).Path, "logs");
        // Serilog replaces the default providers; providers registered in DI (tests, Event Log) still receive events.
        // Each host keeps its own logger rather than the static Log.Logger, so hosts sharing a process stay apart.
        var json = LogFormat.JsonFormatterFor(builder.Configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) => WriteTo(logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            // Failed connections and saves are reported, once per outage, by the code that retries them.
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore.Database.Connection", LogEventLevel.Fatal)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore.Update", LogEventLevel.Fatal)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Vigil.ControlPlane.Agents.AgentCredentialHandler", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext(), json, logs),
            preserveStaticLogger: true,
            writeToProviders: true);
        return builder;
    }

    private static LoggerConfiguration WriteTo(LoggerConfiguration sinks, ITextFormatter? json, string logs)
    {
        const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}";
        const long FileSizeLimit = 50 * 1024 * 1024;
        const int RetainedFiles = 14;
        var path = Path.Combine(logs, "controlplane-.log");
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return json is null
            ? sinks
                .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: invariant)
                .WriteTo.File(path, rollingInterval: RollingInterval.Day, fileSizeLimitBytes: FileSizeLimit, rollOnFileSizeLimit: true,
                    retainedFileCountLimit: RetainedFiles, outputTemplate: FileTemplate, formatProvider: invariant)
            : sinks
                .WriteTo.Console(json)
                .WriteTo.File(json, path, rollingInterval: RollingInterval.Day, fileSizeLimitBytes: FileSizeLimit, rollOnFileSizeLimit: true,
                    retainedFileCountLimit: RetainedFiles);
    }

    /// <summary>One line per HTTP request, with health probes kept out of the way.</summary>
    public static IApplicationBuilder UseVigilRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, exception) =>
            exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
            : context.Request.Path.StartsWithSegments("/healthz") || context.Request.Path.StartsWithSegments("/readyz") ? LogEventLevel.Verbose
            : LogEventLevel.Information);
}
