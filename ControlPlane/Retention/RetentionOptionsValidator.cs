using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Retention;

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var errors = new List<string>();
        Age(errors, nameof(options.Events), options.Events);
        Age(errors, nameof(options.Commands), options.Commands);
        Age(errors, nameof(options.Audit), options.Audit);
        Age(errors, nameof(options.Alerts), options.Alerts);
        if (options.BatchSize is < 10 or > 100_000)
        {
            errors.Add($"Retention:BatchSize must be between 10 and 100000 (was {options.BatchSize}).");
        }

        if (options.StartDelay < TimeSpan.Zero || options.StartDelay > TimeSpan.FromDays(1))
        {
            errors.Add($"Retention:StartDelay must be between 00:00:00 and 1.00:00:00 (was {options.StartDelay}).");
        }

        if (options.Interval < TimeSpan.FromMinutes(1) || options.Interval > TimeSpan.FromDays(7))
        {
            errors.Add($"Retention:Interval must be between 00:01:00 and 7.00:00:00 (was {options.Interval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Age(List<string> errors, string key, TimeSpan age)
    {
        if (age != TimeSpan.Zero && age < TimeSpan.FromDays(1))
        {
            errors.Add($"Retention:{key} must be an age of at least one day, such as 90.00:00:00 (or 90), or 0 to keep them forever (was {age}).");
        }
    }
}
