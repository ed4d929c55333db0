using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How long a request waits for its audit entry to be written before the entry goes to the spill file.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, AuditOptions options) =>
        options.WriteTimeout < Shortest || options.WriteTimeout > Longest
            ? ValidateOptionsResult.Fail($"Audit:WriteTimeout must be between {Shortest} and {Longest} (was {options.WriteTimeout}).")
            : ValidateOptionsResult.Success;
}
