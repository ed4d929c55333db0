using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Data;

public static class DatabaseSetup
{
    /// <summary>The database with the configured provider, prepared at start, and the node state writer.</summary>
    public static IHostApplicationBuilder AddVigilDatabase(this IHostApplicationBuilder builder)
    {
        var dataDirectory = DataDirectoryOptions.From(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(dataDirectory);
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        builder.Services.AddDbContextFactory<VigilDbContext>((services, options) =>
        {
            var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            VigilDatabase.Configure(options, database.Provider, ConnectionStringOf(database, dataDirectory));
        });

        builder.Services.AddSingleton<DatabaseReadiness>();
        builder.Services.AddHostedService<DatabaseStartup>();
        builder.Services.AddSingleton<NodeStateStore>();
        builder.Services.AddHostedService<NodeStateWriter>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadiness>("database", tags: ["ready"]);
        return builder;
    }

    private static string ConnectionStringOf(DatabaseOptions database, DataDirectoryOptions dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            return database.ConnectionString;
        }

        Directory.CreateDirectory(dataDirectory.Path);
        return $"Data Source={Path.Combine(dataDirectory.Path, "vigil.db")}";
    }
}
