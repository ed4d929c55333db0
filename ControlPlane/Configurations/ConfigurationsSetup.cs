namespace Vigil.ControlPlane.Configurations;

public static class ConfigurationsSetup
{
    public static IHostApplicationBuilder AddDesiredConfigurations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DesiredConfigurations>();
        builder.Services.AddSingleton<ConfigurationChanges>();
        return builder;
    }
}
