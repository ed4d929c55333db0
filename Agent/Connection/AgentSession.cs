using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Vigil.Agent.Commands;
using Vigil.Agent.Configuration;
using Vigil.Agent.Events;
using Vigil.Agent.Metrics;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision;
using Vigil.Shared.Commands;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Connection;

/// <summary>
/// The work of one registered connection, three loops side by side: heartbeats every interval
/// (never queued; at once when a failover role wants its lease or a member's health changed; the
/// service list only when <see cref="ServiceListSending"/> says so), the
/// outbox's events in order until the control plane confirms them, and the desired configuration
/// whenever the control plane says it changed. The first loop to fail ends the session; the
/// connection loop then reconnects. Commands are carried out beside the loops and answered on the
/// connection; an answer that cannot be sent is sent again when the command is delivered again.
/// </summary>
internal sealed partial class AgentSession(
    AgentHubClient client,
    AgentOptions options,
    IHostMetricsReader metrics,
    IServiceReports services,
    EventOutbox outbox,
    DesiredConfigurationStore desired,
    RoleKeeper roles,
    CommandExecutor commands,
    TimeProvider time,
    ILogger logger) : IDisposable
{
    private static readonly TimeSpan LeastHeartbeatSpacing = TimeSpan.FromMilliseconds(50);
    private readonly Channel<bool> _heartbeatWanted = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private static readonly TimeSpan VolumeRefresh = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _configurationChanged = new(0, 1);
    private IReadOnlyList<VolumeReport> _volumes = [];
    private long _volumesReadAt = long.MinValue;
    private ServiceListSending _serviceList = new();

    public TimeSpan CallTimeout => TimeSpan.FromTicks(Math.Max(options.HeartbeatInterval.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));

    /// <summary>Called from the connection's message handler: only signals, because calling the hub from there would deadlock.</summary>
    public void ConfigurationChanged()
    {
        if (_configurationChanged.CurrentCount == 0)
        {
            _configurationChanged.Release();
        }
    }

    /// <summary>Called from the connection's message handler: the command runs beside it, never on it.</summary>
    public void CommandReceived(AgentCommand? command)
    {
        if (command is null || string.IsNullOrEmpty(command.Service) || command.Id == Guid.Empty)
        {
            LogMalformedCommand();
            return;
        }

        _ = AnswerAsync(command);
    }

    public async Task RunAsync(RegistrationAccepted accepted, Func<long> nextSequence, CancellationToken cancellationToken)
    {
        _serviceList = ServiceListSending.After(accepted);
        roles.HeartbeatWanted += WantHeartbeat;
        roles.LearnMemberships(accepted.Memberships ?? []);
        outbox.ContinueAbove(accepted.LastEventSequence);
        if (accepted.ConfigVersion != desired.Current.Version)
        {
            ConfigurationChanged();
        }

        using var end = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = new[] { HeartbeatsAsync(nextSequence, end.Token), EventsAsync(end.Token), ConfigurationAsync(end.Token) };
        try
        {
            var first = await Task.WhenAny(loops);
            await end.CancelAsync();
            await Task.WhenAll(loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await first;
        }
        finally
        {
            roles.HeartbeatWanted -= WantHeartbeat;
        }
    }

    private void WantHeartbeat() => _heartbeatWanted.Writer.TryWrite(true);

    private async Task HeartbeatsAsync(Func<long> nextSequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            await BeatAsync(nextSequence, cancellationToken);
            await Task.Delay(LeastHeartbeatSpacing, time, cancellationToken);
            await NextBeatAsync(options.HeartbeatInterval - LeastHeartbeatSpacing, cancellationToken);
        }
    }

    /// <summary>One heartbeat, and the leases its acknowledgement renews (counted from its send).</summary>
    public async Task BeatAsync(Func<long> nextSequence, CancellationToken cancellationToken)
    {
        var sentAt = roles.Now;
        var reports = services.Reports();
        var heartbeat = _serviceList.Fill(
            new AgentHeartbeat
            {
                Sequence = nextSequence(),
                Host = metrics.Read() with { Volumes = Volumes() },
                Roles = roles.Reports(name => reports.Any(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && r.State is not (ServiceState.Stopped or ServiceState.Unknown))),
            },
            reports,
            sentAt);
        var ack = await client.Heartbeat(heartbeat).WaitAsync(CallTimeout, time, cancellationToken);
        _serviceList = _serviceList.Acknowledged(heartbeat.ServicesUnchanged ? null : reports, ack, sentAt);
        roles.Renew(ack.Leases ?? [], sentAt);
    }

    /// <summary>Waits for the next beat, or less when a heartbeat is wanted now.</summary>
    private async Task NextBeatAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        if (_heartbeatWanted.Reader.TryRead(out _))
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(Task.Delay(interval, time, wake.Token), _heartbeatWanted.Reader.WaitToReadAsync(wake.Token).AsTask());
        await wake.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        _heartbeatWanted.Reader.TryRead(out _);
    }

    private async Task AnswerAsync(AgentCommand command)
    {
        try
        {
            var outcome = await commands.ExecuteAsync(command);
            await client.CommandResult(outcome).WaitAsync(CallTimeout, time);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogCommandAnswerNotSent(command.Id, command.Kind, exception.Message);
        }
    }

    /// <summary>
    /// Sends pending events in order. A refusal (the control plane cannot store them now, e.g. its
    /// database is away) or no answer in time keeps them queued and retries later; heartbeats carry
    /// on meanwhile, and decide whether the connection is lost.
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
            catch (Exception refused) when (refused is HubException or TimeoutException)
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
            catch (Exception refused) when (refused is HubException or TimeoutException)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A command without an id or a service arrived and was ignored")]
    private partial void LogMalformedCommand();

    [LoggerMessage(Level = LogLevel.Information, Message = "The outcome of command {CommandId} ({Kind}) was not sent ({Reason}); it goes again when the command is delivered again")]
    private partial void LogCommandAnswerNotSent(Guid commandId, CommandKind kind, string reason);

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
