using Microsoft.Extensions.Options;
using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Agents;

internal sealed class AgentsOptionsValidator : IValidateOptions<AgentsOptions>
{
    public const int MinimumTokenLength = 16;

    /// <summary>How the samples' placeholders begin; such a value copied as it is would be a standing token anyone can read.</summary>
    public const string PlaceholderPrefix = "replace-with";

    public ValidateOptionsResult Validate(string? name, AgentsOptions options)
    {
        var errors = new List<string>();
        if (options.EnrollmentToken.Length is > 0 and < MinimumTokenLength)
        {
            errors.Add($"Agents:EnrollmentToken must be at least {MinimumTokenLength} characters (or empty: agents enrol only with tokens an admin creates).");
        }
        else if (options.EnrollmentToken.StartsWith(PlaceholderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("Agents:EnrollmentToken is a placeholder from a sample: leave it empty, and create enrollment tokens on the dashboard (Admin → Enrollment tokens).");
        }

        if (options.MaximumMessageBytes is < AgentHubEndpoint.DefaultMaximumMessageBytes or > 16 * 1024 * 1024)
        {
            errors.Add($"Agents:MaximumMessageBytes must be between {AgentHubEndpoint.DefaultMaximumMessageBytes} and 16777216 (was {options.MaximumMessageBytes}).");
        }

        if (options.DatabaseCallTimeout <= TimeSpan.Zero || options.DatabaseCallTimeout >= TimeSpan.FromSeconds(5))
        {
            errors.Add($"Agents:DatabaseCallTimeout must be more than 0 and less than 5 seconds, an agent's shortest call timeout (was {options.DatabaseCallTimeout}).");
        }

        if (options.DatabaseCallsInFlight is < 1 or > 10_000)
        {
            errors.Add($"Agents:DatabaseCallsInFlight must be between 1 and 10000 (was {options.DatabaseCallsInFlight}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
