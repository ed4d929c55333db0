using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// A DingTalk custom robot (<c>https://oapi.dingtalk.com/robot/send?access_token=...</c>): a markdown
/// message. With a signing secret, the URL gets <c>timestamp</c> (Unix milliseconds) and <c>sign</c>,
/// the URL-encoded Base64 HMAC-SHA256 of <c>{timestamp}\n{secret}</c> keyed with the secret, as the
/// robot's "additional signature" security setting requires (it refuses timestamps more than an hour
/// off). With a keyword, the keyword is put in the message when it is not already there. The robot
/// answers 200 with <c>errcode</c> 0, or another code (130101: sending too fast).
/// </summary>
public sealed class DingTalkSender(ChannelPoster poster, TimeProvider time) : IAlertChannelSender
{
    private static readonly HashSet<long> RateLimitCodes = [130101, 130102];

    public AlertChannelKind Kind => AlertChannelKind.DingTalk;

    public Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (!ChannelUrls.TryHttp(channel.Settings.Url, out var url, out var problem))
        {
            return Task.FromResult<SendOutcome>(new Misconfigured(problem));
        }

        if (channel.Secrets.SigningSecret is { Length: > 0 } secret)
        {
            url = SignedUrl(url, secret, time.GetUtcNow());
        }

        return poster.PostAsync(url, Body(message, channel.Settings.Keyword).ToJsonString(), [], answer => ChannelPoster.ReadErrorCode(answer, RateLimitCodes), cancellationToken);
    }

    /// <summary>The robot's URL with <c>timestamp</c> and <c>sign</c> added.</summary>
    public static Uri SignedUrl(Uri url, string secret, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var separator = url.Query.Length > 0 ? "&" : "?";
        return new Uri($"{url}{separator}timestamp={timestamp}&sign={Uri.EscapeDataString(Sign(secret, timestamp))}");
    }

    /// <summary>Base64 of HMAC-SHA256(key: secret, data: <c>{timestamp}\n{secret}</c>), before URL encoding.</summary>
    public static string Sign(string secret, string timestamp) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));

    public static JsonObject Body(AlertMessage message, string? keyword)
    {
        var text = message.Markdown();
        if (keyword is { Length: > 0 } && !text.Contains(keyword, StringComparison.Ordinal))
        {
            text += $"\n{keyword}";
        }

        return new JsonObject
        {
            ["msgtype"] = "markdown",
            ["markdown"] = new JsonObject { ["title"] = message.Title, ["text"] = text },
        };
    }
}
