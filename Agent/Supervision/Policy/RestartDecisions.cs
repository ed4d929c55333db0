using System.Collections.Immutable;
using System.Globalization;

namespace Vigil.Agent.Supervision.Policy;

/// <summary>What the agent remembers of a service's restarts. Instants are monotonic (time since the agent started).</summary>
public sealed record RestartHistory
{
    public static readonly RestartHistory Empty = new();

    /// <summary>When each restart within the window was decided.</summary>
    public ImmutableList<TimeSpan> Restarts { get; init; } = [];

    /// <summary>How many fast failures in a row: the exponent of the next delay.</summary>
    public int FastFailures { get; init; }

    /// <summary>Restarts counted in the window ending at <paramref name="now"/>.</summary>
    public int CountWithin(TimeSpan window, TimeSpan now) => Restarts.Count(at => now - at < window);
}

/// <summary>What to do after a service failed.</summary>
public abstract record RestartDecision
{
    /// <summary>Start it again after <see cref="Delay"/>; it is the <see cref="Count"/>th restart in the window.</summary>
    public sealed record Restart(TimeSpan Delay, int Count, string Reason) : RestartDecision;

    /// <summary>The budget is spent: the service is Failed and left alone.</summary>
    public sealed record GiveUp(string Reason) : RestartDecision;

    /// <summary>Automatic restarts are off for this service.</summary>
    public sealed record Leave(string Reason) : RestartDecision;
}

/// <summary>
/// The restart policy as pure functions: exponential backoff with jitter, a fast-fail rule (an exit
/// soon after a start keeps the delay growing; a longer run resets it, as NSSM's throttle does), a
/// budget of restarts per window (as WSFC's), and a reset once the service has been healthy long enough.
/// </summary>
public static class RestartDecisions
{
    /// <param name="ranFor">How long the failed run lasted.</param>
    /// <param name="random">A number in [0, 1) for the jitter.</param>
    public static (RestartDecision Decision, RestartHistory History) OnFailure(
        RestartPolicy policy, RestartHistory history, TimeSpan now, TimeSpan ranFor, double random)
    {
        if (!policy.Enabled)
        {
            return (new RestartDecision.Leave("automatic restart is off for this service"), history);
        }

        var recent = history.Restarts.RemoveAll(at => now - at >= policy.Window);
        if (recent.Count >= policy.MaxRestarts)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"gave up after {recent.Count} restarts within {Describe(policy.Window)}");
            return (new RestartDecision.GiveUp(reason), history with { Restarts = recent });
        }

        var fast = ranFor < policy.FastFailWithin;
        var fastFailures = fast ? history.FastFailures + 1 : 0;
        var delay = DelayFor(policy, fast ? fastFailures - 1 : 0, random);
        var count = recent.Count + 1;
        var why = fast
            ? string.Create(CultureInfo.InvariantCulture, $"restart {count} of {policy.MaxRestarts} in {Describe(delay)} (failed {Describe(ranFor)} after starting)")
            : string.Create(CultureInfo.InvariantCulture, $"restart {count} of {policy.MaxRestarts} in {Describe(delay)}");
        return (new RestartDecision.Restart(delay, count, why), new RestartHistory { Restarts = recent.Add(now), FastFailures = fastFailures });
    }

    /// <summary>Forgets the restarts once the service has been healthy for <see cref="RestartPolicy.ResetAfterHealthy"/>.</summary>
    public static RestartHistory OnHealthy(RestartPolicy policy, RestartHistory history, TimeSpan healthyFor) =>
        healthyFor >= policy.ResetAfterHealthy && (history.Restarts.Count > 0 || history.FastFailures > 0) ? RestartHistory.Empty : history;

    /// <summary>InitialDelay × Multiplier^step, capped at MaxDelay, then varied by ± Jitter.</summary>
    public static TimeSpan DelayFor(RestartPolicy policy, int step, double random)
    {
        var baseMs = Math.Min(policy.InitialDelay.TotalMilliseconds * Math.Pow(policy.Multiplier, step), policy.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(baseMs * (1 + (policy.Jitter * ((2 * random) - 1))));
    }

    public static string Describe(TimeSpan duration) => duration.TotalSeconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0} ms"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0.#} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0.#} h"),
    };
}
