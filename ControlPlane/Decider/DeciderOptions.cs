using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Decider;

/// <summary>The decider lease, from the <c>Decider</c> section.</summary>
public sealed class DeciderOptions
{
    public const string Section = "Decider";

    /// <summary>How long the lease lasts without renewal; a crashed instance's lease lapses after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the holder renews it.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class DeciderOptionsValidator : IValidateOptions<DeciderOptions>
{
    public ValidateOptionsResult Validate(string? name, DeciderOptions options)
    {
        var errors = new List<string>();
        if (options.LeaseDuration < TimeSpan.FromSeconds(1) || options.LeaseDuration > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Decider:LeaseDuration must be between 00:00:01 and 00:10:00 (was {options.LeaseDuration}).");
        }

        if (options.RenewInterval <= TimeSpan.Zero || options.RenewInterval > options.LeaseDuration / 2)
        {
            errors.Add($"Decider:RenewInterval must be more than 0 and at most half of Decider:LeaseDuration (was {options.RenewInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
