using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Failover;

/// <summary>Refuses failover settings under which "never two actives" cannot hold, naming the setting.</summary>
internal sealed class FailoverOptionsValidator : IValidateOptions<FailoverOptions>
{
    /// <summary>
    /// The least fence allowance: the agent kills a service that has not stopped when half the allowance is
    /// spent, and a stop, a kill and a scheduler's delay need more than a few milliseconds.
    /// </summary>
    public static readonly TimeSpan FenceAllowanceMin = TimeSpan.FromMilliseconds(200);

    public ValidateOptionsResult Validate(string? name, FailoverOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Profile))
        {
            errors.Add($"Failover:Profile must be {string.Join(" or ", Enum.GetNames<FailoverProfile>())} (was {options.Profile}).");
        }

        if (options.Lease < TimeSpan.FromSeconds(1) || options.Lease > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Failover:Lease must be between 00:00:01 and 00:01:00 (was {options.Lease}).");
        }

        if (options.FenceAllowance < FenceAllowanceMin || options.FenceAllowance > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Failover:FenceAllowance must be between 00:00:00.200 and 00:01:00 (was {options.FenceAllowance}): " +
                "the agent needs the allowance to stop, then kill, the service after its lease ends.");
        }

        if (options.PlannedRestartLease < TimeSpan.Zero || options.PlannedRestartLease > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Failover:PlannedRestartLease must be between 00:00:00 and 00:10:00 (was {options.PlannedRestartLease}).");
        }

        if (options.DecisionInterval < TimeSpan.FromMilliseconds(10) || options.DecisionInterval > TimeSpan.FromSeconds(5))
        {
            errors.Add($"Failover:DecisionInterval must be between 00:00:00.010 and 00:00:05 (was {options.DecisionInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The longest heartbeat interval that renews a lease of <paramref name="lease"/> in time: half of it.</summary>
    public static TimeSpan HeartbeatIntervalMax(TimeSpan lease) => lease / 2;
}
