namespace Vigil.ControlPlane.Commands;

public static class CommandsSetup
{
    /// <summary>The command pipeline: storage, delivery to agents, expiry and timeouts.</summary>
    public static IHostApplicationBuilder AddCommands(this IHostApplicationBuilder builder)
    {
        static bool Positive(TimeSpan value) => value > TimeSpan.Zero && value <= TimeSpan.FromDays(1);
        builder.Services.AddOptions<CommandOptions>()
            .Bind(builder.Configuration.GetSection(CommandOptions.Section))
            .Validate(o => Positive(o.TimeToLive) && Positive(o.Timeout) && Positive(o.RoleTimeToLive) && Positive(o.RoleTimeout) && Positive(o.ResendAfter),
                "Commands:TimeToLive, Timeout, RoleTimeToLive, RoleTimeout and ResendAfter must each be positive and at most 1.00:00:00.")
            .ValidateOnStart();
        builder.Services.AddSingleton<CommandChangeFeed>();
        builder.Services.AddSingleton<CommandPipeline>();
        builder.Services.AddHostedService<CommandDelivery>();
        return builder;
    }
}
