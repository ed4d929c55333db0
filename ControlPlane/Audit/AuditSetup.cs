using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Audit;

public static class AuditSetup
{
    /// <summary>The audit trail, and its writer for entries kept while the database was away.</summary>
    public static IHostApplicationBuilder AddAuditTrail(this IHostApplicationBuilder builder)
    {
        var dataDirectory = DataDirectoryOptions.From(builder.Configuration, builder.Environment.ContentRootPath).Path;
        builder.Services.AddOptions<AuditOptions>()
            .Bind(builder.Configuration.GetSection(AuditOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        builder.Services.AddSingleton(new AuditSpill(dataDirectory));
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<IAuditTrail>(services => services.GetRequiredService<AuditTrail>());
        builder.Services.AddHostedService<AuditRetryWriter>();
        builder.Services.AddHostedService<RefusalCountWriter>();
        builder.Services.AddSingleton<AuditFeed>();
        builder.Services.AddSingleton<AuditLogReader>();
        return builder;
    }

    /// <summary>Audits every API request that may change something; after authentication, so it knows who.</summary>
    public static IApplicationBuilder UseApiAudit(this IApplicationBuilder app) => app.UseMiddleware<ApiAuditMiddleware>();
}
