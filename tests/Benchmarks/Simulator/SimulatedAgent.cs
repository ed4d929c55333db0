using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;

namespace Vigil.Benchmarks.Simulator;

/// <summary>
/// One simulated agent: enrolled once with the token, then its own connection (with its own
/// credential), registration, and heartbeats at a random phase, carrying the service list when
/// <see cref="ServiceListSending"/> says so, as the agent does. With <see cref="SimulatorSettings.Rehome"/>
/// a lost connection is made again, to the next address at once, then after 0.5 s doubling to 3 s.
/// </summary>
public sealed class SimulatedAgent(int number, SimulatorSettings settings, SimulationCounters counters) : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(3);
    private readonly Guid _nodeId = Guid.NewGuid();
    private readonly SimulatedServices _services = new(settings.Services);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ServiceListSending _serviceList = new();
    private volatile HubConnection? _connection;
    private string? _credential;
    private long _sequence;
    private int _address = settings.Spread ? number % settings.Urls.Count : 0;
    private bool _registered;
    private CancellationToken _stopping;

    public async Task<bool> ConnectAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        if (_credential is null)
        {
            Vigil.TestSupport.TestEnrolment enrolment;
            try
            {
                enrolment = await Vigil.TestSupport.TestAgentConnection.EnrollAsync(settings.Url, settings.Token, _nodeId, $"sim-{number:D5}");
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                counters.RegistrationFailed(exception);
                return false;
            }

            if (!enrolment.Enrolled)
            {
                counters.RegistrationFailed(new InvalidOperationException($"enrolment refused: {(int)enrolment.Status} {enrolment.Title}"));
                return false;
            }

            _credential = enrolment.Credential;
        }

        var credential = _credential;
        var builder = new HubConnectionBuilder().WithUrl(AgentHubEndpoint.For(settings.Urls[_address]), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.AccessTokenProvider = () => Task.FromResult<string?>(credential);
        });
        if (!settings.Json)
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        try
        {
            // As the agent does: a start or a registration that is not answered in time is given up, not waited for.
            await connection.StartAsync(cancellationToken).WaitAsync(settings.CallTimeout, cancellationToken);
            var accepted = await connection.InvokeAsync<RegistrationAccepted>(nameof(IAgentHub.Register), Registration(), cancellationToken).WaitAsync(settings.CallTimeout, cancellationToken);
            _serviceList = ServiceListSending.After(accepted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await connection.DisposeAsync();
            counters.RegistrationFailed(exception);
            return false;
        }

        connection.Closed += closedBy =>
        {
            counters.Disconnected();
            if (settings.Rehome && !_stopping.IsCancellationRequested)
            {
                _ = RehomeAsync(connection);
            }

            return Task.CompletedTask;
        };
        _connection = connection;
        if (!_registered)
        {
            _registered = true;
            counters.Registered();
        }

        return true;
    }

    /// <summary>Connects again after a lost connection, going round the addresses, and records how long it took.</summary>
    private async Task RehomeAsync(HubConnection lost)
    {
        var away = Stopwatch.StartNew();
        var backoff = FirstBackoff;
        var failedInRound = 0;
        try
        {
            await lost.DisposeAsync();
            while (!_stopping.IsCancellationRequested)
            {
                if (await ConnectAsync(_stopping))
                {
                    counters.Rehomed(away.Elapsed);
                    return;
                }

                _address = (_address + 1) % settings.Urls.Count;
                if (++failedInRound >= settings.Urls.Count)
                {
                    failedInRound = 0;
                    await Task.Delay(backoff, _stopping);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary>Sends a heartbeat every interval, starting at a random point of the first interval.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * settings.Interval.TotalMilliseconds), cancellationToken);
        using var timer = new PeriodicTimer(settings.Interval);
        do
        {
            if (_connection is not { State: HubConnectionState.Connected } connection)
            {
                counters.MissedWhileAway();
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            var sentAt = _clock.Elapsed;
            var reports = _services.Next();
            var heartbeat = _serviceList.Fill(Heartbeat(), reports, sentAt);
            try
            {
                var ack = await connection.InvokeAsync<HeartbeatAck>(nameof(IAgentHub.Heartbeat), heartbeat, cancellationToken)
                    .WaitAsync(settings.CallTimeout, cancellationToken);
                counters.Acknowledged(Stopwatch.GetElapsedTime(started));
                _serviceList = _serviceList.Acknowledged(heartbeat.ServicesUnchanged ? null : reports, ack, sentAt);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Also a call cancelled because its connection closed (SignalR cancels what was in flight):
                // the loop goes on with the connection made again.
                counters.HeartbeatFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private AgentRegistration Registration() => new()
    {
        ProtocolVersion = ProtocolVersions.Current,
        NodeId = _nodeId,
        NodeName = $"sim-{number:00000}",
        AgentVersion = "0.0.0-simulator",
        OperatingSystem = "Simulated Windows Server 2022",
        ProcessorCount = 4,
        HeartbeatIntervalMs = (int)settings.Interval.TotalMilliseconds,
        Labels = new Dictionary<string, string> { ["simulated"] = "true" },
    };

    private AgentHeartbeat Heartbeat() => new()
    {
        Sequence = ++_sequence,
        Host = new HostMetrics
        {
            CpuPercent = Random.Shared.NextDouble() * 40,
            MemoryTotalBytes = 16L << 30,
            MemoryAvailableBytes = (long)((8L << 30) * (1 + Random.Shared.NextDouble())),
            UptimeSeconds = 86_400,
        },
    };
}
