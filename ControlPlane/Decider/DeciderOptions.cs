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

    /// <summary>
    /// When another instance holds the lease: wait as its standby and take over when its lease ends,
    /// instead of refusing to start. Needs a shared database (PostgreSQL or SQL Server). A decider in
    /// this mode stops deciding and granting leases once its own lease is no longer confirmed.
    /// </summary>
    public bool Standby { get; set; }

    /// <summary>How often a standby looks whether the lease is free.</summary>
    public TimeSpan StandbyCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How far the instances' clocks may differ: a decider trusts its lease for this much less than it lasts.</summary>
    public TimeSpan ClockSkewAllowance { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where the other instances reach this one while it decides, e.g. <c>http://10.0.0.11:5080</c>:
    /// they forward the dashboard, the API and enrolment there. Empty: the first address this instance
    /// listens on, unless that is a wildcard (<c>0.0.0.0</c>, <c>*</c>, <c>[::]</c>).
    /// </summary>
    public string AdvertisedUrl { get; set; } = "";

    /// <summary><see cref="Standby"/> as configured, for setup that must choose before the options are bound.</summary>
    public static bool StandbyIn(IConfiguration configuration) => configuration.GetSection(Section).GetValue<bool>(nameof(Standby));
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

        if (options.StandbyCheckInterval < TimeSpan.FromMilliseconds(100) || options.StandbyCheckInterval > options.LeaseDuration)
        {
            errors.Add($"Decider:StandbyCheckInterval must be between 00:00:00.1 and Decider:LeaseDuration (was {options.StandbyCheckInterval}).");
        }

        if (options.ClockSkewAllowance < TimeSpan.Zero || options.ClockSkewAllowance + options.RenewInterval >= options.LeaseDuration)
        {
            errors.Add($"Decider:ClockSkewAllowance must be at least 0 and leave Decider:RenewInterval within Decider:LeaseDuration (was {options.ClockSkewAllowance}).");
        }

        if (options.AdvertisedUrl.Length > 0
            && !(Uri.TryCreate(options.AdvertisedUrl, UriKind.Absolute, out var advertised) && advertised.Scheme is "http" or "https" && advertised.PathAndQuery == "/"))
        {
            errors.Add($"Decider:AdvertisedUrl must be an http:// or https:// address without a path, such as http://10.0.0.11:5080 (was '{options.AdvertisedUrl}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>A standby needs a database that several machines share: SQLite is one process's file.</summary>
internal sealed class DeciderStandbyValidator(IOptions<Vigil.ControlPlane.Data.DatabaseOptions> database) : IValidateOptions<DeciderOptions>
{
    public ValidateOptionsResult Validate(string? name, DeciderOptions options) =>
        options.Standby && database.Value.Provider == Vigil.ControlPlane.Data.DatabaseProvider.Sqlite
            ? ValidateOptionsResult.Fail(
                "Decider:Standby needs a shared database: set Database:Provider to PostgreSql or SqlServer. " +
                "Several control planes cannot share SQLite, the embedded single-instance database.")
            : ValidateOptionsResult.Success;
}
