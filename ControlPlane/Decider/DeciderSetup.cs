using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Decider;

public static class DeciderSetup
{
    /// <summary>
    /// The decider lease: taken after the database's schema is prepared and before the state is loaded
    /// (a standby waits there, serving nothing) and failover starts deciding.
    /// Call it after <c>AddVigilDatabase</c> and before <c>AddFailover</c> (hosted services start in order).
    /// </summary>
    public static IHostApplicationBuilder AddDeciderLease(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeciderOptions>()
            .Bind(builder.Configuration.GetSection(DeciderOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DeciderOptions>, DeciderOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<DeciderOptions>, DeciderStandbyValidator>();
        var dataDirectory = DataDirectoryOptions.From(builder.Configuration, builder.Environment.ContentRootPath).Path;
        builder.Services.AddSingleton(_ => InstanceIdentity.Take(dataDirectory));
        builder.Services.AddSingleton<DeciderLeaseStore>();
        builder.Services.AddSingleton<DeciderLeaseHolder>();
        builder.Services.AddSingleton<IServingGate>(services => services.GetRequiredService<DeciderLeaseHolder>());
        builder.Services.AddSingleton<IDeciderAuthority>(services => services.GetRequiredService<DeciderLeaseHolder>());
        builder.Services.AddHostedService(services => services.GetRequiredService<DeciderLeaseHolder>());
        return builder;
    }
}
