namespace Vigil.ControlPlane.Commands;

public static class CommandsSetup
{
    /// <summary>The command pipeline: storage, delivery to agents, expiry and timeouts.</summary>
    public static IHostApplicationBuilder AddCommands(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CommandOptions>().Bind(builder.Configuration.GetSection(CommandOptions.Section));
        builder.Services.AddSingleton<CommandPipeline>();
        builder.Services.AddHostedService<CommandDelivery>();
        return builder;
    }
}
