using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Vigil.Agent.Configuration;
using Vigil.Agent.Events;
using Vigil.Agent.Metrics;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Connection;

/// <summary>
/// The work of one registered connection, three loops side by side: heartbeats every interval
/// (never queued), the outbox's events in order until the control plane confirms them, and the
/// desired configuration whenever the control plane says it changed. The first loop to fail ends
/// the session; the connection loop then reconnects.
/// </summary>
internal sealed partial class AgentSession(
    AgentHubClient client,
    AgentOptions options,
    IHostMetricsReader metrics,
    IServiceReports services,
    EventOutbox outbox,
    DesiredConfigurationStore desired,
    TimeProvider time,
    ILogger logger) : IDisposable
{
    private static readonly TimeSpan VolumeRefresh = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _configurationChanged = new(0, 1);
    private IReadOnlyList<VolumeReport> _volumes = [];
    private long _volumesReadAt = long.MinValue;

    public TimeSpan CallTimeout => TimeSpan.FromTicks(Math.Max(options.HeartbeatInterval.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));

    /// <summary>Called from the connection's message handler: only signals, because calling the hub from there would deadlock.</summary>
    public void ConfigurationChanged()
    {
        if (_configurationChanged.CurrentCount == 0)
        {
            _configurationChanged.Release();
        }
    }

    public async Task RunAsync(RegistrationAccepted accepted, Func<long> nextSequence, CancellationToken cancellationToken)
    {
        outbox.ContinueAbove(accepted.LastEventSequence);
        if (accepted.ConfigVersion != desired.Current.Version)
        {
            ConfigurationChanged();
        }

        using var end = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = new[] { HeartbeatsAsync(nextSequence, end.Token), EventsAsync(end.Token), ConfigurationAsync(end.Token) };
        var first = await Task.WhenAny(loops);
        await end.CancelAsync();
        await Task.WhenAll(loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await first;
    }

    private async Task HeartbeatsAsync(Func<long> nextSequence, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval, time);
        do
        {
            var heartbeat = new AgentHeartbeat
            {
                Sequence = nextSequence(),
                Host = metrics.Read() with { Volumes = Volumes() },
                Services = services.Reports(),
            };
            await client.Heartbeat(heartbeat).WaitAsync(CallTimeout, time, cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>
    /// Sends pending events in order. A refusal (the control plane cannot store them now, e.g. its
    /// database is away) keeps them queued and retries later; heartbeats carry on meanwhile.
    /// </summary>
    private async Task EventsAsync(CancellationToken cancellationToken)
    {
        var retry = RetryDelay.Initial;
        while (true)
        {
            await outbox.WaitForPendingAsync(cancellationToken);
            var batch = EventBatches.Take(outbox.Peek(MessageLimits.EventBatchMax));
            try
            {
                var ack = await client.ReportEvents(new AgentEventBatch { Events = batch }).WaitAsync(CallTimeout, time, cancellationToken);
                outbox.Acknowledge(ack.UpTo);
                retry = RetryDelay.Initial;
            }
            catch (HubException refused)
            {
                LogEventsRefused(batch.Count, refused.Message, retry);
                await Task.Delay(retry, time, cancellationToken);
                retry = RetryDelay.Next(retry);
            }
        }
    }

    private async Task ConfigurationAsync(CancellationToken cancellationToken)
    {
        var retry = RetryDelay.Initial;
        while (true)
        {
            await _configurationChanged.WaitAsync(cancellationToken);
            try
            {
                var configuration = await client.GetDesiredConfiguration().WaitAsync(CallTimeout, time, cancellationToken);
                retry = RetryDelay.Initial;
                if (desired.Store(configuration))
                {
                    LogDesiredConfiguration(configuration.Version, configuration.Services.Count);
                }
            }
            catch (HubException refused)
            {
                LogConfigurationRefused(refused.Message, retry);
                await Task.Delay(retry, time, cancellationToken);
                retry = RetryDelay.Next(retry);
                ConfigurationChanged();
            }
        }
    }

    public void Dispose() => _configurationChanged.Dispose();

    private IReadOnlyList<VolumeReport> Volumes()
    {
        if (_volumesReadAt == long.MinValue || time.GetElapsedTime(_volumesReadAt) >= VolumeRefresh)
        {
            _volumes = VolumeReader.Read();
            _volumesReadAt = time.GetTimestamp();
        }

        return _volumes;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The control plane did not take {Count} event(s): {Reason}. They stay queued; next try in {Delay}")]
    private partial void LogEventsRefused(int count, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The control plane could not hand out the desired configuration: {Reason}. Next try in {Delay}")]
    private partial void LogConfigurationRefused(string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Received desired configuration v{Version} with {Count} service(s) from the control plane")]
    private partial void LogDesiredConfiguration(long version, int count);
}

/// <summary>Retry spacing of a session's side loops: 1 s doubling to 30 s.</summary>
internal static class RetryDelay
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    public static TimeSpan Next(TimeSpan current) => current * 2 < Max ? current * 2 : Max;
}
