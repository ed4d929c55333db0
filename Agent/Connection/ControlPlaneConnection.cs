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
using Vigil.Agent.Supervision.WindowsServices;
using Vigil.Shared.Commands;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Connection;

/// <summary>
/// Keeps the agent connected to the control plane, forever: enrol once if the agent has no credential,
/// connect with the credential, register, then run an <see cref="AgentSession"/>; when anything fails,
/// wait a backoff delay and start over. On a graceful stop it tells the control plane, so the node is
/// not taken for crashed.
/// </summary>
internal sealed partial class ControlPlaneConnection(
    IOptions<AgentOptions> options,
    NodeIdentityHolder identity,
    AgentEnrolment enrolment,
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

    /// <summary>Retries after a refusal only an operator can lift (a revoked agent, a credential without a token to enrol again).</summary>
    private static readonly TimeSpan RefusedRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>Retries after a refused enrollment token, which takes an operator to fix, but may be a token not yet valid everywhere.</summary>
    private static readonly TimeSpan TokenRetryDelay = TimeSpan.FromMinutes(1);
    private readonly AgentOptions _options = options.Value;
    private readonly ReconnectBackoff _backoff = new(options.Value.Reconnect, Random.Shared.NextDouble);
    private readonly ControlPlaneRotation _addresses = new(options.Value.ControlPlaneAddresses);
    private long _sequence;
    private bool _outageReported;
    private ConnectionFailure? _lastFailure;
    private long? _registeredAt;
    private string? _credential;
    private bool _enrolAgain;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var address = _addresses.Current;
            var hub = AgentHubEndpoint.For(address);
            ConnectionFailure? failure = null;
            try
            {
                await RunConnectionAsync(address, hub, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                var held = EndOutageIfTheSessionHeld();
                failure = ConnectionFailure.Of(exception);
                ReportFailure(hub, failure);
                if (held && failure.Kind == ConnectionFailureKind.Unreachable)
                {
                    // The same address again at once: a control plane stopping on purpose still hands out long leases.
                    _addresses.SessionEnded();
                    continue;
                }
            }

            var delay = DelayAfter(failure);
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

    private async Task RunConnectionAsync(Uri address, Uri hub, CancellationToken stoppingToken)
    {
        var credential = await CredentialAsync(address, stoppingToken);
        await using var connection = Build(hub, credential);
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
        var accepted = await client.Register(AgentDescription.Registration(identity.NodeId, _options, InstalledWindowsServices.List(logger))).WaitAsync(session.CallTimeout, time, stoppingToken);
        _registeredAt = time.GetTimestamp();
        _addresses.Connected();
        LogRegistered(accepted.NodeId, _options.NodeName!, hub);

        try
        {
            await session.RunAsync(accepted, () => Interlocked.Increment(ref _sequence), closed.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await SayStoppingAsync(client, session);
            throw;
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
            throw new ConnectionLostException(closeReason);
        }
    }

    /// <summary>
    /// The goodbye: one last heartbeat first (its roles given up and their services fenced by then,
    /// so the control plane can move them at once), then the notice that the stop is on purpose.
    /// </summary>
    private async Task SayStoppingAsync(AgentHubClient client, AgentSession session)
    {
        try
        {
            using var deadline = new CancellationTokenSource(StoppingNoticeTimeout, time);
            await session.BeatAsync(() => Interlocked.Increment(ref _sequence), deadline.Token);
            await client.Stopping(new AgentStoppingNotice { Reason = "the agent was asked to stop" }).WaitAsync(StoppingNoticeTimeout, time);
            LogSaidStopping();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogCouldNotSayStopping(exception.Message);
        }
    }

    /// <summary>The stored credential; enrolment first when there is none, or when the control plane no longer knows it.</summary>
    private async Task<string> CredentialAsync(Uri address, CancellationToken stoppingToken)
    {
        if (_credential is null && !_enrolAgain)
        {
            _credential = enrolment.StoredCredential();
        }

        if (_credential is null || _enrolAgain)
        {
            if (!enrolment.HasToken)
            {
                throw new InvalidOperationException(
                    "This agent has no credential and no Agent:EnrollmentToken to enrol with: set the token and restart the agent.");
            }

            _credential = await enrolment.EnrolAsync(address, stoppingToken);
            _enrolAgain = false;
        }

        return _credential;
    }

    private static HubConnection Build(Uri hub, string credential) => new HubConnectionBuilder()
        .WithUrl(hub, connection =>
        {
            connection.Transports = HttpTransportType.WebSockets;
            connection.SkipNegotiation = true;
            connection.AccessTokenProvider = () => Task.FromResult<string?>(credential);
        })
        .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolver = AgentHubJson.Default)
        .Build();

    /// <summary>
    /// A session that held for a while ends the outage: retries start again from the initial delay and
    /// the next failure is news. One that failed at once (a call refused right after registering) is
    /// the same outage, so it neither retries at the initial delay forever nor floods the log.
    /// </summary>
    private bool EndOutageIfTheSessionHeld()
    {
        var held = _registeredAt is { } registeredAt && time.GetElapsedTime(registeredAt) >= StableSession;
        if (held)
        {
            _backoff.Reset();
            _outageReported = false;
            _lastFailure = null;
        }

        _registeredAt = null;
        return held;
    }

    private bool HoldsActiveLease() => roles.Roles().Any(role => role.HoldsLease(roles.Now));

    /// <summary>How long a session must last to count as the end of an outage.</summary>
    private TimeSpan StableSession => TimeSpan.FromTicks(Math.Max(_options.HeartbeatInterval.Ticks * 3, _options.Reconnect.MaxDelay.Ticks));

    /// <summary>
    /// The wait before the next attempt: none while another address is left to try since the last
    /// registration, else the backoff; longer after a refusal that waiting alone does not lift. A
    /// credential the control plane does not know is replaced by enrolling again, when the agent has a token.
    /// </summary>
    private TimeSpan DelayAfter(ConnectionFailure? failure)
    {
        var delay = _addresses.MoveOnAfterFailure() ? TimeSpan.Zero : _backoff.Next();
        if (delay > _options.Reconnect.InitialDelay && HoldsActiveLease())
        {
            // An active member's lease is running out: it keeps trying at the initial delay, to be renewed before it lapses.
            delay = _options.Reconnect.InitialDelay;
        }

        switch (failure?.Kind)
        {
            case ConnectionFailureKind.CredentialRefused when enrolment.HasToken:
                _enrolAgain = true;
                return delay;
            case ConnectionFailureKind.CredentialRefused:
            case ConnectionFailureKind.AgentRevoked:
                _enrolAgain = enrolment.HasToken;
                return delay > RefusedRetryDelay ? delay : RefusedRetryDelay;
            case ConnectionFailureKind.TokenRefused:
                _enrolAgain = true;
                return delay > TokenRetryDelay ? delay : TokenRetryDelay;
            default:
                return delay;
        }
    }

    /// <summary>
    /// Each kind of failure is reported once per outage (a warning for an unreachable control plane,
    /// an error for a refused token or agent); repeats go to Debug, so a long outage does not flood the log.
    /// </summary>
    private void ReportFailure(Uri hub, ConnectionFailure failure)
    {
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
                LogTokenRefused(hub, failure.Reason, TokenRetryDelay);
                break;
            case ConnectionFailureKind.CredentialRefused when enrolment.HasToken:
                LogCredentialUnknown(hub);
                break;
            case ConnectionFailureKind.CredentialRefused:
                LogCredentialRefused(hub, RefusedRetryDelay);
                break;
            case ConnectionFailureKind.AgentRevoked:
                LogRevoked(hub, failure.Reason, RefusedRetryDelay);
                break;
            case ConnectionFailureKind.AwaitingApproval:
                LogAwaitingApproval(hub, failure.Reason);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "The control plane at {Hub} refused the enrollment token (401): {Reason} Check Agent:EnrollmentToken with an administrator (Admin → Enrollment tokens); retrying every {Delay}")]
    private partial void LogTokenRefused(Uri hub, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The control plane at {Hub} does not accept this agent's credential (401); enrolling again with Agent:EnrollmentToken")]
    private partial void LogCredentialUnknown(Uri hub);

    [LoggerMessage(Level = LogLevel.Error, Message = "The control plane at {Hub} refused this agent's credential (401): the agent was revoked, or the control plane does not know it (a new database?). Set Agent:EnrollmentToken to enrol again; retrying every {Delay}")]
    private partial void LogCredentialRefused(Uri hub, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The control plane at {Hub} has revoked this agent: {Reason} An administrator must forget the revoked agent (Admin → Agents) before this node can enrol again; retrying every {Delay}")]
    private partial void LogRevoked(Uri hub, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This agent is waiting for approval by an administrator of the control plane at {Hub} (Admin → Agents); retrying until approved. {Reason}")]
    private partial void LogAwaitingApproval(Uri hub, string reason);

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
