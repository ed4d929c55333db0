namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>Sends a message to one kind of channel and says how the receiver answered; it never throws for a receiver's failure.</summary>
public interface IAlertChannelSender
{
    AlertChannelKind Kind { get; }

    /// <summary>Sends once; <paramref name="cancellationToken"/> carries the delivery's timeout.</summary>
    Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken);
}

/// <summary>How one attempt to send went, as the delivery policy needs to know it.</summary>
public abstract record SendOutcome
{
    /// <summary>A short text for the delivery's last error (never a secret).</summary>
    public abstract string Describe();
}

/// <summary>The receiver took the message.</summary>
public sealed record Sent : SendOutcome
{
    public static readonly Sent Instance = new();

    public override string Describe() => "sent";
}

/// <summary>An HTTP receiver answered with a status that is not success.</summary>
public sealed record HttpRefused(int StatusCode, string Reason, TimeSpan? RetryAfter = null) : SendOutcome
{
    public override string Describe() => $"the receiver answered HTTP {StatusCode}: {Reason}";
}

/// <summary>A chat robot answered HTTP 200 with an error code in its body (DingTalk, WeCom, Slack).</summary>
public sealed record ReceiverRefused(string Code, string Reason, bool RateLimited) : SendOutcome
{
    public override string Describe() => $"the receiver refused the message ({Code}): {Reason}";
}

/// <summary>The SMTP server refused a command (its reply code says whether for good: 5xx).</summary>
public sealed record SmtpRefused(int Code, string Reason) : SendOutcome
{
    public override string Describe() => $"the SMTP server answered {Code}: {Reason}";
}

/// <summary>The receiver could not be reached: name resolution, connection, TLS, a broken connection.</summary>
public sealed record Unreachable(string Reason) : SendOutcome
{
    public override string Describe() => $"the receiver could not be reached: {Reason}";
}

/// <summary>The receiver did not answer within the delivery timeout.</summary>
public sealed record TimedOut(TimeSpan After) : SendOutcome
{
    public override string Describe() => $"the receiver did not answer within {After}";
}

/// <summary>The channel cannot send as configured (no URL, no recipient, bad credentials, removed): trying again will not help.</summary>
public sealed record Misconfigured(string Reason) : SendOutcome
{
    public override string Describe() => $"the channel cannot send: {Reason}";
}
