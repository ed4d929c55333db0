using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Monitoring;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>
/// Sends the Pending deliveries: the deliveries table is the queue, so what was pending before a
/// restart or a database outage is sent after it. Due rows are sent a few at a time
/// (<see cref="AlertDeliveryOptions.Concurrency"/>), each attempt bounded by the delivery timeout;
/// <see cref="AlertDeliveryPolicy"/> decides what becomes of each, and the row keeps the attempts, the
/// last error and the next attempt's time. Between batches the worker sleeps until the next due row
/// or until the evaluator stores new deliveries. A crash between a send and its record sends that
/// message again: delivery is at least once.
/// </summary>
public sealed partial class AlertDeliveryWorker(
    AlertDeliveryStore deliveries,
    AlertChannelStore channels,
    IEnumerable<IAlertChannelSender> senders,
    PendingDeliveries pending,
    TimeProvider time,
    IOptions<AlertOptions> options,
    VigilMetrics metrics,
    ILogger<AlertDeliveryWorker> logger) : BackgroundService
{
    /// <summary>The longest sleep with nothing pending; new deliveries wake the worker before.</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan OutageWait = TimeSpan.FromSeconds(5);

    private readonly AlertDeliveryOptions _options = options.Value.Delivery;
    private readonly string? _dashboardUrl = options.Value.DashboardUrl;
    private readonly Dictionary<AlertChannelKind, IAlertChannelSender> _senders = senders.ToDictionary(s => s.Kind);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await pending.WaitAsync(await DeliverDueAsync(stoppingToken), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends one batch of due deliveries; returns how long to wait before looking again.</summary>
    private async Task<TimeSpan> DeliverDueAsync(CancellationToken stoppingToken)
    {
        try
        {
            var due = await deliveries.DueAsync(time.GetUtcNow(), _options.Concurrency * 4, stoppingToken);
            if (due.Count > 0)
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = stoppingToken };
                await Parallel.ForEachAsync(due, parallel, async (delivery, token) => await DeliverAsync(delivery, token));
                return TimeSpan.Zero;
            }

            var next = await deliveries.NextDueAsync(stoppingToken);
            var wait = next is { } at ? at - time.GetUtcNow() : IdleWait;
            return wait < IdleWait ? wait : IdleWait;
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            // A delivery whose attempt was not recorded stays Pending and is sent again.
            LogOutage(exception);
            return OutageWait;
        }
    }

    private async Task DeliverAsync(DueDelivery delivery, CancellationToken stoppingToken)
    {
        var attemptedAt = time.GetUtcNow();
        var (outcome, kind) = await AttemptAsync(delivery, stoppingToken);
        var attempts = delivery.Attempts + 1;
        var decision = AlertDeliveryPolicy.Decide(outcome, attempts, time.GetUtcNow(), _options);
        await deliveries.RecordAsync(delivery.Id, attempts, attemptedAt, decision, stoppingToken);
        metrics.DeliveryAttempted(kind, decision switch
        {
            MarkSent => "sent",
            RetryAt => "retry",
            _ => "failed",
        });
        switch (decision)
        {
            case MarkSent:
                LogSent(delivery.Notification, delivery.AlertId, delivery.ChannelId, attempts);
                break;
            case RetryAt retry:
                LogRetry(delivery.Notification, delivery.AlertId, delivery.ChannelId, attempts, retry.Error, retry.At);
                break;
            case MarkFailed failed:
                LogFailed(delivery.Notification, delivery.AlertId, delivery.ChannelId, attempts, failed.Error);
                break;
        }
    }

    private async Task<(SendOutcome Outcome, AlertChannelKind? Kind)> AttemptAsync(DueDelivery delivery, CancellationToken stoppingToken)
    {
        AlertChannel? channel;
        try
        {
            channel = await channels.FindAsync(delivery.ChannelId, stoppingToken);
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

        return (await SendAsync(channel, message, stoppingToken), channel.Kind);
    }

    /// <summary>One attempt, bounded by the delivery timeout; also what the "send a test message" action uses.</summary>
    public async Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken stoppingToken)
    {
        if (!_senders.TryGetValue(channel.Kind, out var sender))
        {
            return new Misconfigured($"no sender for {channel.Kind} channels");
        }

        using var timeout = new CancellationTokenSource(_options.Timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            return await sender.SendAsync(channel, message, either.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            return new TimedOut(_options.Timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnexpected(exception, channel.Name, channel.Kind);
            return new Unreachable(ChannelPoster.Shorter(exception.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: the {Notification} notification of alert {AlertId} reached channel {ChannelId} (attempt {Attempts})")]
    private partial void LogSent(string notification, Guid alertId, Guid channelId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: the {Notification} notification of alert {AlertId} did not reach channel {ChannelId} (attempt {Attempts}): {Error}; trying again at {NextAttemptAt}")]
    private partial void LogRetry(string notification, Guid alertId, Guid channelId, int attempts, string error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: the {Notification} notification of alert {AlertId} was not delivered to channel {ChannelId} after {Attempts} attempts: {Error}. Check the channel's settings and send it a test message")]
    private partial void LogFailed(string notification, Guid alertId, Guid channelId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: the database is not reachable; pending deliveries are sent once it is back")]
    private partial void LogOutage(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: sending to channel {ChannelName} ({Kind}) failed unexpectedly; the delivery is tried again")]
    private partial void LogUnexpected(Exception exception, string channelName, AlertChannelKind kind);
}
