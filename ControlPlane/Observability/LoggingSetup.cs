using Serilog;
using Serilog.Events;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Observability;

public static class LoggingSetup
{
    private const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>Serilog to the console and to daily files under <c>&lt;data&gt;/logs</c>; levels from the <c>Serilog</c> section.</summary>
    public static IHostApplicationBuilder AddVigilLogging(this IHostApplicationBuilder builder)
    {
        var logs = Path.Combine(DataDirectoryOptions.From(builder.Configuration, builder.Environment.ContentRootPath).Path, "logs");
        // Serilog replaces the default providers; providers registered in DI (tests, Event Log) still receive events.
        // Each host keeps its own logger rather than the static Log.Logger, so hosts sharing a process stay apart.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) => logger
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
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .WriteTo.File(
                Path.Combine(logs, "controlplane-.log"),
                rollingInterval: RollingInterval.Day,
                fileSizeLimitBytes: 50 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: 14,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture),
            preserveStaticLogger: true,
            writeToProviders: true);
        return builder;
    }

    /// <summary>One line per HTTP request, with health probes kept out of the way.</summary>
    public static IApplicationBuilder UseVigilRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, exception) =>
            exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
            : context.Request.Path.StartsWithSegments("/healthz") || context.Request.Path.StartsWithSegments("/readyz") ? LogEventLevel.Verbose
            : LogEventLevel.Information);
}
