using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Health;

internal sealed class LivenessPolicyValidator : IValidateOptions<LivenessPolicy>
{
    public ValidateOptionsResult Validate(string? name, LivenessPolicy policy)
    {
        var errors = new List<string>();
        if (policy.SuspectAfterMissedHeartbeats < 1)
        {
            errors.Add($"Liveness:SuspectAfterMissedHeartbeats must be 1 or more (was {policy.SuspectAfterMissedHeartbeats}).");
        }

        if (policy.LostAfterMissedHeartbeats <= policy.SuspectAfterMissedHeartbeats)
        {
            errors.Add($"Liveness:LostAfterMissedHeartbeats must be greater than Liveness:SuspectAfterMissedHeartbeats " +
                $"({policy.LostAfterMissedHeartbeats} <= {policy.SuspectAfterMissedHeartbeats}).");
        }

        if (policy.LostAfterDisconnectIntervals < 0)
        {
            errors.Add($"Liveness:LostAfterDisconnectIntervals must be 0 or more (was {policy.LostAfterDisconnectIntervals}).");
        }

        if (policy.StartupGrace < TimeSpan.Zero)
        {
            errors.Add($"Liveness:StartupGrace must not be negative (was {policy.StartupGrace}).");
        }

        if (policy.SweepInterval < TimeSpan.FromMilliseconds(10) || policy.SweepInterval > TimeSpan.FromSeconds(5))
        {
            errors.Add($"Liveness:SweepInterval must be between 00:00:00.01 and 00:00:05 (was {policy.SweepInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
