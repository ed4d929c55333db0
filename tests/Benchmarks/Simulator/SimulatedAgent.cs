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
/// credential), registration, and heartbeats at a random phase.
/// </summary>
public sealed class SimulatedAgent(int number, SimulatorSettings settings, SimulationCounters counters) : IAsyncDisposable
{
    private readonly Guid _nodeId = Guid.NewGuid();
    private HubConnection? _connection;
    private string? _credential;
    private long _sequence;

    public async Task<bool> ConnectAsync(CancellationToken cancellationToken)
    {
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
        var builder = new HubConnectionBuilder().WithUrl(AgentHubEndpoint.For(settings.Url), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.AccessTokenProvider = () => Task.FromResult<string?>(credential);
        });
        if (!settings.Json)
        {
            builder.AddMessagePackProtocol();
        }

        _connection = builder.Build();
        _connection.Closed += _ =>
        {
            counters.Disconnected();
            return Task.CompletedTask;
        };
        try
        {
            await _connection.StartAsync(cancellationToken);
            await _connection.InvokeAsync<RegistrationAccepted>(nameof(IAgentHub.Register), Registration(), cancellationToken);
            counters.Registered();
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            counters.RegistrationFailed(exception);
            return false;
        }
    }

    /// <summary>Sends a heartbeat every interval, starting at a random point of the first interval.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * settings.Interval.TotalMilliseconds), cancellationToken);
        using var timer = new PeriodicTimer(settings.Interval);
        do
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await _connection!.InvokeAsync<HeartbeatAck>(nameof(IAgentHub.Heartbeat), Heartbeat(), cancellationToken)
                    .WaitAsync(settings.CallTimeout, cancellationToken);
                counters.Acknowledged(Stopwatch.GetElapsedTime(started));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
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
