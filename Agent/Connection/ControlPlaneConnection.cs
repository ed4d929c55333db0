using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
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

namespace Vigil.Agent.Connection;

/// <summary>
/// Keeps the agent connected to the control plane, forever: connect, register, then run an
/// <see cref="AgentSession"/>; when anything fails, wait a backoff delay and start over. On a graceful
/// stop it tells the control plane, so the node is not taken for crashed.
/// </summary>
internal sealed partial class ControlPlaneConnection(
    IOptions<AgentOptions> options,
    NodeIdentityHolder identity,
    IHostMetricsReader metrics,
    IServiceReports services,
    EventOutbox outbox,
    DesiredConfigurationStore desired,
    RoleKeeper roles,
    CommandExecutor commands,
    TimeProvider time,
    ILogger<ControlPlaneConnection> logger) : BackgroundService
{
    private static readonly TimeSpan StoppingNoticeTimeout = TimeSpan.FromSeconds(2);
    private readonly AgentOptions _options = options.Value;
    private readonly ReconnectBackoff _backoff = new(options.Value.Reconnect, Random.Shared.NextDouble);
    private long _sequence;
    private bool _outageReported;
    private ConnectionFailure? _lastFailure;
    private long? _registeredAt;

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
                EndOutageIfTheSessionHeld();
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

        var client = new AgentHubClient(connection);
        using var session = new AgentSession(client, _options, metrics, services, outbox, desired, roles, commands, time, logger);
        connection.On<ConfigChangedNotice>(nameof(IAgentClient.ConfigChanged), _ => session.ConfigurationChanged());
        connection.On<AgentCommand>(nameof(IAgentClient.ExecuteCommand), session.CommandReceived);

        await connection.StartAsync(stoppingToken);
        var accepted = await client.Register(AgentDescription.Registration(identity.NodeId, _options)).WaitAsync(session.CallTimeout, time, stoppingToken);
        _registeredAt = time.GetTimestamp();
        LogRegistered(accepted.NodeId, _options.NodeName!, hub);

        try
        {
            await session.RunAsync(accepted, () => Interlocked.Increment(ref _sequence), closed.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await SayStoppingAsync(client);
            throw;
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
            throw new ConnectionLostException(closeReason);
        }
    }

    private async Task SayStoppingAsync(AgentHubClient client)
    {
        try
        {
            await client.Stopping(new AgentStoppingNotice { Reason = "the agent was asked to stop" }).WaitAsync(StoppingNoticeTimeout, time);
            LogSaidStopping();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogCouldNotSayStopping(exception.Message);
        }
    }

    private HubConnection Build(Uri hub) => new HubConnectionBuilder()
        .WithUrl(hub, connection =>
        {
            connection.Transports = HttpTransportType.WebSockets;
            connection.SkipNegotiation = true;
            connection.AccessTokenProvider = () => Task.FromResult<string?>(_options.EnrollmentToken);
        })
        .AddMessagePackProtocol()
        .Build();

    /// <summary>
    /// A session that held for a while ends the outage: retries start again from the initial delay and
    /// the next failure is news. One that failed at once (a call refused right after registering) is
    /// the same outage, so it neither retries at the initial delay forever nor floods the log.
    /// </summary>
    private void EndOutageIfTheSessionHeld()
    {
        if (_registeredAt is { } registeredAt && time.GetElapsedTime(registeredAt) >= StableSession)
        {
            _backoff.Reset();
            _outageReported = false;
            _lastFailure = null;
        }

        _registeredAt = null;
    }

    /// <summary>How long a session must last to count as the end of an outage.</summary>
    private TimeSpan StableSession => TimeSpan.FromTicks(Math.Max(_options.HeartbeatInterval.Ticks * 3, _options.Reconnect.MaxDelay.Ticks));

    /// <summary>
    /// Each kind of failure is reported once per outage (a warning for an unreachable control plane,
    /// an error for a refused token or agent); repeats go to Debug, so a long outage does not flood the log.
    /// </summary>
    private void ReportFailure(Uri hub, Exception exception)
    {
        var failure = ConnectionFailure.Of(exception);
        if (_outageReported && failure.Repeats(_lastFailure))
        {
            LogStillFailing(failure.Reason);
            return;
        }

        _outageReported = true;
        _lastFailure = failure;
        switch (failure.Kind)
        {
            case ConnectionFailureKind.AgentRefused:
                LogRefused(hub, failure.Reason);
                break;
            case ConnectionFailureKind.TokenRefused:
                LogTokenRefused(hub);
                break;
            default:
                LogUnreachable(hub, failure.Reason);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with the control plane at {Hub} as node {NodeName} ({NodeId})")]
    private partial void LogRegistered(Guid nodeId, string nodeName, Uri hub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost touch with the control plane at {Hub}; retrying until it answers. {Reason}")]
    private partial void LogUnreachable(Uri hub, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The control plane at {Hub} refused the enrollment token (401). Check Agent:EnrollmentToken against the control plane's Agents:EnrollmentToken")]
    private partial void LogTokenRefused(Uri hub);

    [LoggerMessage(Level = LogLevel.Error, Message = "The control plane at {Hub} refused this agent: {Reason}")]
    private partial void LogRefused(Uri hub, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Still cannot reach the control plane: {Reason}")]
    private partial void LogStillFailing(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Next attempt to reach the control plane in {Delay}")]
    private partial void LogRetrying(TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Told the control plane that this agent is stopping")]
    private partial void LogSaidStopping();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the control plane that this agent is stopping: {Reason}")]
    private partial void LogCouldNotSayStopping(string reason);
}

/// <summary>The connection closed while the session ran.</summary>
internal sealed class ConnectionLostException(Exception? reason)
    : Exception(reason is null ? "the connection was closed" : $"the connection was closed: {reason.Message}", reason);
