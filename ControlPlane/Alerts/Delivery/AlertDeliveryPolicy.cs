using Vigil.ControlPlane.Alerts.Channels;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>What becomes of a delivery after an attempt.</summary>
public abstract record DeliveryDecision;

/// <summary>The channel took it: mark it Sent.</summary>
public sealed record MarkSent(DateTimeOffset At) : DeliveryDecision;

/// <summary>It failed for now: keep it Pending and try again at <see cref="At"/>.</summary>
public sealed record RetryAt(DateTimeOffset At, string Error) : DeliveryDecision;

/// <summary>It failed for good (a permanent refusal, or the last attempt): mark it Failed.</summary>
public sealed record MarkFailed(string Error) : DeliveryDecision;

/// <summary>
/// The delivery decision, pure: which failures are worth another attempt, and when. A receiver that
/// refuses the message itself (HTTP 4xx other than 408, 425 and 429, or a redirect, which is not
/// followed; an SMTP 5xx; a robot's error
/// code other than a rate limit; a channel that cannot send as configured) fails at once; anything
/// else — 5xx, 429, timeouts, unreachable hosts, SMTP 4xx — is tried again after an exponential
/// backoff (doubling from <see cref="AlertDeliveryOptions.FirstRetryDelay"/>, capped, and never
/// sooner than a receiver's Retry-After) until <see cref="AlertDeliveryOptions.MaxAttempts"/>.
/// </summary>
public static class AlertDeliveryPolicy
{
    private static readonly TimeSpan RecordTime = TimeSpan.FromSeconds(10);

    /// <param name="attempts">Attempts made, this one included.</param>
    public static DeliveryDecision Decide(SendOutcome outcome, int attempts, DateTimeOffset now, AlertDeliveryOptions options)
    {
        if (outcome is Sent)
        {
            return new MarkSent(now);
        }

        var error = outcome.Describe();
        if (IsPermanent(outcome))
        {
            return new MarkFailed(error);
        }

        if (attempts >= options.MaxAttempts)
        {
            return new MarkFailed($"{error} (gave up after {attempts} attempts)");
        }

        var wait = Backoff(attempts, options.FirstRetryDelay, options.MaxRetryDelay);
        if (outcome is HttpRefused { RetryAfter: { } asked } && asked > wait)
        {
            wait = asked < options.MaxRetryDelay ? asked : options.MaxRetryDelay;
        }

        return new RetryAt(now + wait, error);
    }

    /// <summary>
    /// Until when a job holds the delivery it attempts: the attempt's timeout and time to record it.
    /// Should the job die with its control plane, the delivery is due again after this.
    /// </summary>
    public static DateTimeOffset HeldUntil(DateTimeOffset now, AlertDeliveryOptions options) => now + options.Timeout + RecordTime;

    /// <summary>
    /// A Pending delivery due before this moment has no job that will send it (its enqueue failed in a
    /// database outage, or its job died with a control plane): the sweeper gives it one.
    /// </summary>
    public static DateTimeOffset OverdueBefore(DateTimeOffset now, AlertDeliveryOptions options) => now - options.SweepInterval;

    /// <summary>Whether trying again cannot help.</summary>
    public static bool IsPermanent(SendOutcome outcome) => outcome switch
    {
        HttpRefused { StatusCode: 408 or 425 or 429 } => false,
        HttpRefused { StatusCode: >= 300 and < 500 } => true,
        ReceiverRefused refused => !refused.RateLimited,
        SmtpRefused { Code: >= 500 } => true,
        Misconfigured => true,
        _ => false,
    };

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt: first, 2×first, 4×first, ... up to max.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan first, TimeSpan max)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 30);
        var ticks = first.Ticks * Math.Pow(2, doublings);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
