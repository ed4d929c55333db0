namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>Where a channel sends: an SMTP server, a webhook, or a chat's incoming webhook or robot.</summary>
public enum AlertChannelKind
{
    Email,
    Webhook,
    Slack,
    Teams,
    DingTalk,
    WeCom,
}

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>TLS on connect on port 465, STARTTLS when the server offers it elsewhere.</summary>
    Auto,

    /// <summary>No TLS (a relay on the same host or network only).</summary>
    None,

    /// <summary>STARTTLS is required (port 587 or 25).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>A channel's settings, as stored (plain JSON). Which ones apply depends on the kind.</summary>
public sealed record AlertChannelSettings
{
    /// <summary>Webhook, Slack, Teams, DingTalk and WeCom: the address messages are posted to.</summary>
    public string? Url { get; init; }

    /// <summary>Webhook: further headers sent with each message (e.g. an API key of the receiver).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>DingTalk: a keyword the robot's security settings require in every message.</summary>
    public string? Keyword { get; init; }

    /// <summary>Email: the SMTP server.</summary>
    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 587;

    public SmtpSecurity Security { get; init; } = SmtpSecurity.Auto;

    /// <summary>Email: the account to authenticate as; none: no authentication.</summary>
    public string? UserName { get; init; }

    /// <summary>Email: SHA-256 thumbprint (hex) of a server certificate to trust although no trusted authority issued it.</summary>
    public string? CertificateThumbprint { get; init; }

    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];
}

/// <summary>A channel's secrets: stored protected, never returned by the API nor logged.</summary>
public sealed record AlertChannelSecrets
{
    /// <summary>Email: the SMTP password.</summary>
    public string? Password { get; init; }

    /// <summary>Webhook: the HMAC-SHA256 signing key. DingTalk: the robot's signing secret ("SEC...").</summary>
    public string? SigningSecret { get; init; }
}

/// <summary>A channel as the senders see it, its secrets readable.</summary>
public sealed record AlertChannel(Guid Id, string Name, AlertChannelKind Kind, AlertChannelSettings Settings, AlertChannelSecrets Secrets)
{
    /// <summary>The kind as stored in the Kind column: "email", "webhook", "slack", "teams", "dingtalk", "wecom".</summary>
    public static string StoredKind(AlertChannelKind kind) => kind.ToString().ToLowerInvariant();

    public static AlertChannelKind? ParseKind(string stored) =>
        Enum.TryParse<AlertChannelKind>(stored, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind : null;
}
