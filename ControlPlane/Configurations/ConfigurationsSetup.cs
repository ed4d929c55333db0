namespace Vigil.ControlPlane.Configurations;

public static class ConfigurationsSetup
{
    public static IHostApplicationBuilder AddDesiredConfigurations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DesiredConfigurations>();
        return builder;
    }
}
