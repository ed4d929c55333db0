using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Alerts.Channels;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>
/// One attempt to send a message to a channel, bounded by the delivery timeout: what a delivery job
/// and the "send a test message" action do. Never throws for the channel's sake: every failure is a
/// <see cref="SendOutcome"/> for <see cref="AlertDeliveryPolicy"/> to judge.
/// </summary>
public sealed partial class AlertSender(
    AlertChannelStore channels,
    IEnumerable<IAlertChannelSender> senders,
    TimeProvider time,
    IOptions<AlertOptions> options,
    ILogger<AlertSender> logger)
{
    private readonly AlertDeliveryOptions _options = options.Value.Delivery;
    private readonly string? _dashboardUrl = options.Value.DashboardUrl;
    private readonly Dictionary<AlertChannelKind, IAlertChannelSender> _senders = senders.ToDictionary(s => s.Kind);

    /// <summary>Makes the stored delivery's message and sends it to its channel; the channel's kind when it was found.</summary>
    public async Task<(SendOutcome Outcome, AlertChannelKind? Kind)> AttemptAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        AlertChannel? channel;
        try
        {
            channel = await channels.FindAsync(delivery.ChannelId, cancellationToken);
        }
        catch (CryptographicException)
        {
            return (new Misconfigured("its secrets cannot be read with this control plane's data protection keys; enter them again"), null);
        }

        if (channel is null)
        {
            return (new Misconfigured($"channel {delivery.ChannelId} does not exist (removed, or of a kind this version does not know)"), null);
        }

        AlertMessage message;
        try
        {
            message = AlertMessage.From(AlertJson.Read<Alert>(delivery.Alert), Enum.Parse<NotificationKind>(delivery.Notification), _dashboardUrl);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or ArgumentException)
        {
            return (new Misconfigured($"the stored alert cannot be read: {exception.Message}"), channel.Kind);
        }

        return (await SendAsync(channel, message, cancellationToken), channel.Kind);
    }

    public async Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (!_senders.TryGetValue(channel.Kind, out var sender))
        {
            return new Misconfigured($"no sender for {channel.Kind} channels");
        }

        using var timeout = new CancellationTokenSource(_options.Timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await sender.SendAsync(channel, message, either.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new TimedOut(_options.Timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnexpected(exception, channel.Name, channel.Kind);
            return new Unreachable(ChannelPoster.Shorter(exception.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: sending to channel {ChannelName} ({Kind}) failed unexpectedly; the delivery is tried again")]
    private partial void LogUnexpected(Exception exception, string channelName, AlertChannelKind kind);
}
