using System.Text;
using System.Text.Json.Nodes;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// A WeCom (WeChat Work) group robot (<c>https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...</c>):
/// a markdown message of at most 4,096 bytes. The robot answers 200 with <c>errcode</c> 0, or another
/// code (45009: over its limit of 20 messages a minute).
/// </summary>
public sealed class WeComSender(ChannelPoster poster) : IAlertChannelSender
{
    public const int MaxContentBytes = 4096;

    private static readonly HashSet<long> RateLimitCodes = [45009];

    public AlertChannelKind Kind => AlertChannelKind.WeCom;

    public Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken) =>
        ChannelUrls.TryHttp(channel.Settings.Url, out var url, out var problem)
            ? poster.PostAsync(url, Body(message).ToJsonString(), [], answer => ChannelPoster.ReadErrorCode(answer, RateLimitCodes), cancellationToken)
            : Task.FromResult<SendOutcome>(new Misconfigured(problem));

    public static JsonObject Body(AlertMessage message) => new()
    {
        ["msgtype"] = "markdown",
        ["markdown"] = new JsonObject { ["content"] = WithinBytes(message.Markdown(), MaxContentBytes) },
    };

    private static string WithinBytes(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var end = text.Length;
        while (Encoding.UTF8.GetByteCount(text.AsSpan(0, end)) > maxBytes - 3)
        {
            end--;
        }

        if (end > 0 && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return text[..end] + "…";
    }
}
