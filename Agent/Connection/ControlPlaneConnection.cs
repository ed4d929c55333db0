using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Metrics;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Connection;

/// <summary>
/// Keeps the agent connected to the control plane, forever: connect, register, heartbeat every
/// interval; when anything fails, wait a backoff delay and start over. Heartbeats are never queued:
/// while disconnected, none is sent.
/// </summary>
internal sealed partial class ControlPlaneConnection(
    IOptions<AgentOptions> options,
    NodeIdentityHolder identity,
    IHostMetricsReader metrics,
    TimeProvider time,
    ILogger<ControlPlaneConnection> logger) : BackgroundService
{
    private readonly AgentOptions _options = options.Value;
    private readonly ReconnectBackoff _backoff = new(options.Value.Reconnect, Random.Shared.NextDouble);
    private long _sequence;
    private bool _outageReported;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hub = AgentHubEndpoint.For(_options.ControlPlaneUri);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunConnectionAsync(hub, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ReportFailure(hub, exception);
            }

            var delay = _backoff.Next();
            LogRetrying(delay);
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunConnectionAsync(Uri hub, CancellationToken stoppingToken)
    {
        await using var connection = Build(hub);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Exception? closeReason = null;
        connection.Closed += error =>
        {
            closeReason = error;
            closed.Cancel();
            return Task.CompletedTask;
        };
        connection.On<ConfigChangedNotice>(nameof(IAgentClient.ConfigChanged), notice => LogConfigChanged(notice.ConfigVersion));

        await connection.StartAsync(stoppingToken);
        var client = new AgentHubClient(connection);
        var accepted = await client.Register(AgentDescription.Registration(identity.NodeId, _options)).WaitAsync(CallTimeout, time, stoppingToken);
        _backoff.Reset();
        _outageReported = false;
        LogRegistered(accepted.NodeId, _options.NodeName!, hub);

        try
        {
            await SendHeartbeatsAsync(client, closed.Token);
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            throw new ConnectionLostException(closeReason);
        }
    }

    private async Task SendHeartbeatsAsync(AgentHubClient client, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, time);
        do
        {
            var heartbeat = new AgentHeartbeat { Sequence = Interlocked.Increment(ref _sequence), Host = metrics.Read() };
            await client.Heartbeat(heartbeat).WaitAsync(CallTimeout, time, cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>A call that takes this long means the control plane is stuck; start over.</summary>
    private TimeSpan CallTimeout => TimeSpan.FromTicks(Math.Max(_options.HeartbeatInterval.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));

    private HubConnection Build(Uri hub) => new HubConnectionBuilder()
        .WithUrl(hub, connection =>
        {
            connection.Transports = HttpTransportType.WebSockets;
            connection.SkipNegotiation = true;
            connection.AccessTokenProvider = () => Task.FromResult<string?>(_options.EnrollmentToken);
        })
        .AddMessagePackProtocol()
        .Build();

    private void ReportFailure(Uri hub, Exception exception)
    {
        switch (exception)
        {
            case HubException refused:
                LogRefused(hub, refused.Message);
                break;
            case var _ when MentionsUnauthorized(exception):
                LogTokenRefused(hub);
                break;
            default:
                if (!_outageReported)
                {
                    LogUnreachable(hub, exception.Message);
                    _outageReported = true;
                }

                break;
        }
    }

    private static bool MentionsUnauthorized(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception.Message.Contains("'401'", StringComparison.Ordinal) || exception.Message.Contains("401 (Unauthorized)", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with the control plane at {Hub} as node {NodeName} ({NodeId})")]
    private partial void LogRegistered(Guid nodeId, string nodeName, Uri hub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost touch with the control plane at {Hub}; retrying until it answers. {Reason}")]
    private partial void LogUnreachable(Uri hub, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The control plane at {Hub} refused the enrollment token (401). Check Agent:EnrollmentToken against the control plane's Agents:EnrollmentToken")]
    private partial void LogTokenRefused(Uri hub);

    [LoggerMessage(Level = LogLevel.Error, Message = "The control plane at {Hub} refused this agent: {Reason}")]
    private partial void LogRefused(Uri hub, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Next attempt to reach the control plane in {Delay}")]
    private partial void LogRetrying(TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "The control plane has configuration version {ConfigVersion} for this node")]
    private partial void LogConfigChanged(long configVersion);
}

/// <summary>The connection closed while heartbeating.</summary>
internal sealed class ConnectionLostException(Exception? reason)
    : Exception(reason is null ? "the connection was closed" : $"the connection was closed: {reason.Message}", reason);
