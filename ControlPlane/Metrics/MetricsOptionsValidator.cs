using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Metrics;

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        Between(errors, "MinuteRetention", options.MinuteRetention, TimeSpan.FromDays(1), TimeSpan.FromDays(31));
        Between(errors, "HourRetention", options.HourRetention, TimeSpan.FromDays(1), TimeSpan.FromDays(3660));
        Between(errors, "FlushInterval", options.FlushInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Between(errors, "RollupDelay", options.RollupDelay, TimeSpan.Zero, TimeSpan.FromMinutes(30));
        Between(errors, "PruneInterval", options.PruneInterval, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1));
        if (options.HourRetention < options.MinuteRetention)
        {
            errors.Add($"Metrics:HourRetention ({options.HourRetention}) must not be shorter than Metrics:MinuteRetention ({options.MinuteRetention}).");
        }

        if (options.MaxPendingMinutes is < 1_000 or > 10_000_000)
        {
            errors.Add($"Metrics:MaxPendingMinutes must be between 1000 and 10000000 (was {options.MaxPendingMinutes}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Between(List<string> errors, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"Metrics:{name} must be between {min} and {max} (was {value}).");
        }
    }
}
