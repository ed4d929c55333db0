using Hangfire;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>
/// One attempt at one delivery, run by Hangfire: claim the row, send, let
/// <see cref="AlertDeliveryPolicy"/> decide, record the attempt on the row (which the alert's API
/// shows), and schedule the next attempt as a new delayed job. Hangfire's own retries are off: the
/// schedule is the policy's. A crash between a send and its record sends that message again:
/// delivery is at least once.
/// </summary>
public sealed partial class AlertDeliveryJob(
    AlertDeliveryStore deliveries,
    AlertSender sender,
    AlertDeliveryJobs jobs,
    Monitoring.VigilMetrics metrics,
    TimeProvider time,
    IOptions<AlertOptions> options,
    ILogger<AlertDeliveryJob> logger)
{
    private readonly AlertDeliveryOptions _options = options.Value.Delivery;

    [Queue(AlertDeliveryJobs.Name)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Alert delivery {0}")]
    public async Task RunAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        try
        {
            await AttemptAsync(deliveryId, cancellationToken);
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            LogOutage(exception, deliveryId);
        }
    }

    private async Task AttemptAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await deliveries.ClaimAsync(deliveryId, now, AlertDeliveryPolicy.HeldUntil(now, _options), cancellationToken) is not { } delivery)
        {
            return; // settled, not due yet, or in the hands of another job
        }

        SendOutcome outcome;
        AlertChannelKind? kind;
        try
        {
            (outcome, kind) = await sender.AttemptAsync(delivery, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The control plane is stopping: the next one to start sends it at once.
            await deliveries.ReleaseAsync(deliveryId, now, CancellationToken.None);
            throw;
        }

        var attempts = delivery.Attempts + 1;
        var decision = AlertDeliveryPolicy.Decide(outcome, attempts, time.GetUtcNow(), _options);
        await deliveries.RecordAsync(deliveryId, attempts, now, decision, CancellationToken.None);
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
                jobs.Schedule(deliveryId, retry.At);
                LogRetry(delivery.Notification, delivery.AlertId, delivery.ChannelId, attempts, retry.Error, retry.At);
                break;
            case MarkFailed failed:
                LogFailed(delivery.Notification, delivery.AlertId, delivery.ChannelId, attempts, failed.Error);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: the {Notification} notification of alert {AlertId} reached channel {ChannelId} (attempt {Attempts})")]
    private partial void LogSent(string notification, Guid alertId, Guid channelId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: the {Notification} notification of alert {AlertId} did not reach channel {ChannelId} (attempt {Attempts}): {Error}; trying again at {NextAttemptAt}")]
    private partial void LogRetry(string notification, Guid alertId, Guid channelId, int attempts, string error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: the {Notification} notification of alert {AlertId} was not delivered to channel {ChannelId} after {Attempts} attempts: {Error}. Check the channel's settings and send it a test message")]
    private partial void LogFailed(string notification, Guid alertId, Guid channelId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: the database is not reachable while delivery {DeliveryId} was attempted; it stays Pending and is sent once the database is back")]
    private partial void LogOutage(Exception exception, Guid deliveryId);
}
