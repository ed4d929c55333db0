using Vigil.Agent.Configuration;

namespace Vigil.Agent.Connection;

/// <summary>
/// Delays between attempts to reach the control plane: exponential from the initial delay up to the
/// maximum, each varied by ± jitter so that a fleet does not reconnect in step. Pure but for the
/// random source, which tests provide.
/// </summary>
public sealed class ReconnectBackoff(ReconnectOptions options, Func<double> random)
{
    private int _attempt;

    /// <summary>The delay before the next attempt; each call counts one more failed attempt.</summary>
    public TimeSpan Next()
    {
        var growth = Math.Pow(options.Multiplier, _attempt);
        var baseMs = Math.Min(options.InitialDelay.TotalMilliseconds * growth, options.MaxDelay.TotalMilliseconds);
        if (baseMs < options.MaxDelay.TotalMilliseconds)
        {
            _attempt++;
        }

        var factor = 1 + (options.Jitter * ((2 * random()) - 1));
        return TimeSpan.FromMilliseconds(baseMs * factor);
    }

    /// <summary>Called once connected: the next outage starts again from the initial delay.</summary>
    public void Reset() => _attempt = 0;
}
