using System.Text.Json.Nodes;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is
/// received"): a message with one Adaptive Card attachment — the title, the summary, a fact set and
/// an Open URL action. The workflow answers 202 Accepted.
/// </summary>
public sealed class TeamsSender(ChannelPoster poster) : IAlertChannelSender
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public AlertChannelKind Kind => AlertChannelKind.Teams;

    public Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken) =>
        ChannelUrls.TryHttp(channel.Settings.Url, out var url, out var problem)
            ? poster.PostAsync(url, Body(message).ToJsonString(), [], readBody: null, cancellationToken)
            : Task.FromResult<SendOutcome>(new Misconfigured(problem));

    public static JsonObject Body(AlertMessage message)
    {
        var facts = new JsonArray();
        foreach (var (label, value) in message.Facts())
        {
            facts.Add(new JsonObject { ["title"] = label, ["value"] = value });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "TextBlock",
                    ["text"] = message.Title,
                    ["weight"] = "Bolder",
                    ["size"] = "Medium",
                    ["wrap"] = true,
                    ["color"] = message.State == "resolved" ? "Good" : message.Severity == AlertSeverity.Critical ? "Attention" : "Warning",
                },
                new JsonObject { ["type"] = "TextBlock", ["text"] = message.Summary, ["wrap"] = true },
                new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
            },
        };
        if (message.Link is not null)
        {
            card["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open in Vigil", ["url"] = message.Link.ToString() } };
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = AdaptiveCardContentType, ["contentUrl"] = null, ["content"] = card },
            },
        };
    }
}
