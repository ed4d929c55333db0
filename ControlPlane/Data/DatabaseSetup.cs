using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Data;

/// <summary>The connection string in use: the configured one, or SQLite's default file in the data directory.</summary>
public sealed record DatabaseConnection(string ConnectionString);

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

        builder.Services.AddSingleton(services =>
            new DatabaseConnection(ConnectionStringOf(services.GetRequiredService<IOptions<DatabaseOptions>>().Value, dataDirectory)));
        builder.Services.AddDbContextFactory<VigilDbContext>((services, options) => VigilDatabase.Configure(
            options,
            services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider,
            services.GetRequiredService<DatabaseConnection>().ConnectionString));

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
