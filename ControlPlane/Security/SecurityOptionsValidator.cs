using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;

namespace Vigil.ControlPlane.Security;

internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.InitialAdminUserName) || options.InitialAdminUserName.Length > 64)
        {
            errors.Add("Security:InitialAdminUserName must be 1 to 64 characters.");
        }
        else if (AuditRecord.ReservedActors.Contains(options.InitialAdminUserName))
        {
            errors.Add($"Security:InitialAdminUserName may not be '{options.InitialAdminUserName}': the audit log uses that name for its own entries.");
        }

        if (options.PasswordMinimumLength is < 8 or > 128)
        {
            errors.Add($"Security:PasswordMinimumLength must be between 8 and 128 (was {options.PasswordMinimumLength}).");
        }

        if (options.InitialAdminPassword.Length > 0 && options.InitialAdminPassword.Length < options.PasswordMinimumLength)
        {
            errors.Add($"Security:InitialAdminPassword must have at least {options.PasswordMinimumLength} characters (Security:PasswordMinimumLength).");
        }

        if (options.InitialAdminApiKey.Length > 0 && (options.InitialAdminApiKey.Length < 32 || !Secrets.IsPlausible(options.InitialAdminApiKey)))
        {
            errors.Add("Security:InitialAdminApiKey must be 32 to 200 characters without spaces.");
        }

        if (options.MaxFailedSignIns is < 1 or > 100)
        {
            errors.Add($"Security:MaxFailedSignIns must be between 1 and 100 (was {options.MaxFailedSignIns}).");
        }

        if (options.LockoutDuration <= TimeSpan.Zero)
        {
            errors.Add("Security:LockoutDuration must be positive.");
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(1))
        {
            errors.Add("Security:SessionLifetime must be at least one minute.");
        }

        if (options.SessionValidationInterval <= TimeSpan.Zero || options.SessionValidationInterval > options.SessionLifetime)
        {
            errors.Add("Security:SessionValidationInterval must be positive and no longer than Security:SessionLifetime.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
