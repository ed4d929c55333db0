using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// A generic webhook: the alert as a JSON document, signed. <c>X-Vigil-Timestamp</c> carries the Unix
/// seconds of sending and <c>X-Vigil-Signature</c> is <c>sha256=</c> and the hex HMAC-SHA256 of
/// <c>{timestamp}.{body}</c> keyed with the channel's signing secret: a receiver recomputes it, compares
/// in constant time and refuses a timestamp more than a few minutes old (a replayed message).
/// </summary>
public sealed class WebhookSender(ChannelPoster poster, TimeProvider time) : IAlertChannelSender
{
    public const string TimestampHeader = "X-Vigil-Timestamp";
    public const string SignatureHeader = "X-Vigil-Signature";

    public AlertChannelKind Kind => AlertChannelKind.Webhook;

    public Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (!ChannelUrls.TryHttp(channel.Settings.Url, out var url, out var problem))
        {
            return Task.FromResult<SendOutcome>(new Misconfigured(problem));
        }

        var body = AlertJson.Write(Body(message));
        var headers = new List<KeyValuePair<string, string>>(channel.Settings.Headers);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers.Add(new(TimestampHeader, timestamp));
        if (channel.Secrets.SigningSecret is { Length: > 0 } secret)
        {
            headers.Add(new(SignatureHeader, Signature(secret, timestamp, body)));
        }

        return poster.PostAsync(url, body, headers, readBody: null, cancellationToken);
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of <c>{timestamp}.{body}</c>.</summary>
    public static string Signature(string secret, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>The document a webhook receives (version 1).</summary>
    public static WebhookBody Body(AlertMessage message) => new(
        Version: 1,
        Test: message.IsTest,
        Notification: message.Notification,
        Title: message.Title,
        Text: message.PlainText(),
        Link: message.Link?.ToString(),
        Alert: new WebhookAlert(
            message.AlertId,
            message.RuleName,
            message.Severity,
            message.State,
            message.Target.Key,
            message.Target.NodeName,
            message.Target.Service,
            message.Target.Group,
            message.Target.Volume,
            message.Summary,
            message.Action,
            message.Resolution,
            message.Since,
            message.FiredAt,
            message.ResolvedAt));
}

public sealed record WebhookBody(int Version, bool Test, NotificationKind Notification, string Title, string Text, string? Link, WebhookAlert Alert);

public sealed record WebhookAlert(
    Guid Id,
    string Rule,
    AlertSeverity Severity,
    string State,
    string TargetKey,
    string? Node,
    string? Service,
    string? Group,
    string? Volume,
    string Summary,
    string? Action,
    string? Resolution,
    DateTimeOffset Since,
    DateTimeOffset FiredAt,
    DateTimeOffset? ResolvedAt);
