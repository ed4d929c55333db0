using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Data;

internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            errors.Add($"Database:Provider must be one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
        }
        else if (options.Provider != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"Database:ConnectionString is required when Database:Provider is {options.Provider}.");
        }

        if (options.StartupTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Database:StartupTimeout must be positive (was {options.StartupTimeout}).");
        }

        if (options.LastSeenFlushInterval < TimeSpan.FromMilliseconds(100) || options.LastSeenFlushInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Database:LastSeenFlushInterval must be between 00:00:00.1 and 00:10:00 (was {options.LastSeenFlushInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
