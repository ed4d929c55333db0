using System.ComponentModel;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>A channel as an admin creates or replaces it.</summary>
public sealed record AlertChannelRequest(
    [property: Description("A unique name, at most 128 characters.")] string? Name,
    [property: Description("Email, Webhook, Slack, Teams, DingTalk or WeCom.")] string? Kind,
    [property: Description("Where and how to send; which fields apply depends on the kind.")] AlertChannelSettings? Settings,
    [property: Description("The password or signing secret. Write-only: never returned. On replace, omit it to keep the stored secrets.")] AlertChannelSecrets? Secrets);

/// <summary>A channel as the API shows it: its settings, and which secrets are set, never their values.</summary>
public sealed record AlertChannelResponse(
    Guid Id,
    string Name,
    AlertChannelKind Kind,
    AlertChannelSettings Settings,
    [property: Description("Which secrets are stored (password, signingSecret); their values are never returned.")] IReadOnlyList<string> SecretsSet,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The answer to "send a test message".</summary>
public sealed record ChannelTestResponse(
    [property: Description("Whether the receiver took the message.")] bool Sent,
    [property: Description("What happened: \"sent\", or the receiver's answer.")] string Outcome);
