using System.Text;
using System.Text.Json.Nodes;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// A Slack incoming webhook: <c>text</c> (what notifications show) and Block Kit blocks — a header,
/// the summary, the facts as fields, and a button to the dashboard. Slack answers 200 "ok", or a
/// 4xx with the reason (invalid_payload, no_service, channel_is_archived) and 429 when rate limited.
/// </summary>
public sealed class SlackSender(ChannelPoster poster) : IAlertChannelSender
{
    public AlertChannelKind Kind => AlertChannelKind.Slack;

    public Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken) =>
        ChannelUrls.TryHttp(channel.Settings.Url, out var url, out var problem)
            ? poster.PostAsync(url, Body(message).ToJsonString(), [], readBody: null, cancellationToken)
            : Task.FromResult<SendOutcome>(new Misconfigured(problem));

    public static JsonObject Body(AlertMessage message)
    {
        var fields = new JsonArray();
        foreach (var (label, value) in message.Facts().Take(10))
        {
            fields.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = $"*{Escape(label)}*\n{Escape(value)}" });
        }

        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText(Shorter(message.Title, 150)) },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Escape(message.Summary) } },
            new JsonObject { ["type"] = "section", ["fields"] = fields },
        };
        if (message.Link is not null)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray
                {
                    new JsonObject { ["type"] = "button", ["text"] = PlainText("Open in Vigil"), ["url"] = message.Link.ToString() },
                },
            });
        }

        return new JsonObject { ["text"] = Escape($"{message.Title}\n{message.Summary}"), ["blocks"] = blocks };
    }

    /// <summary>Slack's three control characters in mrkdwn.</summary>
    public static string Escape(string text) => new StringBuilder(text).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").ToString();

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static string Shorter(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
