using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Policy;

/// <summary>The restart policy in force for one service: the agent's defaults with the service's overrides.</summary>
public sealed record RestartPolicy
{
    public bool Enabled { get; init; } = true;

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    public double Multiplier { get; init; } = 2;

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    public double Jitter { get; init; } = 0.2;

    public int MaxRestarts { get; init; } = 5;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan FastFailWithin { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ResetAfterHealthy { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Values the service sets replace the defaults; the rest stay. Each source is validated on its
    /// own, so a service's InitialDelay can still exceed a default MaxDelay: the delay then never
    /// grows beyond its start.
    /// </summary>
    public static RestartPolicy Resolve(RestartSettings? defaults, RestartSettings? overrides)
    {
        var policy = new RestartPolicy().With(defaults).With(overrides);
        return policy.MaxDelay >= policy.InitialDelay ? policy : policy with { MaxDelay = policy.InitialDelay };
    }

    private RestartPolicy With(RestartSettings? settings) => settings is null ? this : new RestartPolicy
    {
        Enabled = settings.Enabled ?? Enabled,
        InitialDelay = settings.InitialDelay ?? InitialDelay,
        Multiplier = settings.Multiplier ?? Multiplier,
        MaxDelay = settings.MaxDelay ?? MaxDelay,
        Jitter = settings.Jitter ?? Jitter,
        MaxRestarts = settings.MaxRestarts ?? MaxRestarts,
        Window = settings.Window ?? Window,
        FastFailWithin = settings.FastFailWithin ?? FastFailWithin,
        ResetAfterHealthy = settings.ResetAfterHealthy ?? ResetAfterHealthy,
    };
}
