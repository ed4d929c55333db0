using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;

namespace Vigil.TestSupport;

/// <summary>Wire protocol a test client speaks to the agent hub.</summary>
public enum HubWireProtocol
{
    MessagePack,
    Json,
}

/// <summary>
/// A real SignalR connection to the agent hub, speaking as an agent would, with helpers to build
/// valid messages. Tests drive it step by step; the product's agent has its own loop.
/// </summary>
public sealed class TestAgentConnection : IAsyncDisposable
{
    private long _sequence;

    private TestAgentConnection(HubConnection connection, Guid nodeId, string nodeName)
    {
        Connection = connection;
        NodeId = nodeId;
        NodeName = nodeName;
    }

    public HubConnection Connection { get; }

    public Guid NodeId { get; }

    public string NodeName { get; }

    public static async Task<TestAgentConnection> ConnectAsync(
        Uri controlPlane,
        string? token,
        Guid? nodeId = null,
        string? nodeName = null,
        HubWireProtocol protocol = HubWireProtocol.MessagePack)
    {
        var builder = new HubConnectionBuilder().WithUrl(AgentHubEndpoint.For(controlPlane), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            if (token is not null)
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            }
        });
        if (protocol == HubWireProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        var id = nodeId ?? Guid.NewGuid();
        var client = new TestAgentConnection(connection, id, nodeName ?? $"node-{id.ToString()[..8]}");
        await connection.StartAsync();
        return client;
    }

    public AgentRegistration Registration(int intervalMs = 1000, int? protocolVersion = null) => new()
    {
        ProtocolVersion = protocolVersion ?? ProtocolVersions.Current,
        NodeId = NodeId,
        NodeName = NodeName,
        AgentVersion = "0.1.0-test",
        OperatingSystem = "Test OS 1.0",
        ProcessorCount = 2,
        HeartbeatIntervalMs = intervalMs,
        Labels = new Dictionary<string, string> { ["site"] = "test" },
    };

    public AgentHeartbeat NextHeartbeat(double cpuPercent = 12.5) => new()
    {
        Sequence = Interlocked.Increment(ref _sequence),
        Host = new HostMetrics
        {
            CpuPercent = cpuPercent,
            MemoryTotalBytes = 8L << 30,
            MemoryAvailableBytes = 6L << 30,
            UptimeSeconds = 3600,
        },
    };

    public Task<RegistrationAccepted> RegisterAsync(AgentRegistration? registration = null) =>
        Connection.InvokeAsync<RegistrationAccepted>(nameof(IAgentHub.Register), registration ?? Registration());

    public Task<HeartbeatAck> HeartbeatAsync(AgentHeartbeat? heartbeat = null) =>
        Connection.InvokeAsync<HeartbeatAck>(nameof(IAgentHub.Heartbeat), heartbeat ?? NextHeartbeat());

    public Task<EventsAck> ReportEventsAsync(params AgentEvent[] events) =>
        Connection.InvokeAsync<EventsAck>(nameof(IAgentHub.ReportEvents), new AgentEventBatch { Events = events });

    public Task<DesiredConfiguration> GetDesiredConfigurationAsync() =>
        Connection.InvokeAsync<DesiredConfiguration>(nameof(IAgentHub.GetDesiredConfiguration));

    public Task StoppingAsync() =>
        Connection.InvokeAsync(nameof(IAgentHub.Stopping), new AgentStoppingNotice { Reason = "test stops the agent" });

    /// <summary>Completes with the version of the next ConfigChanged notice the control plane sends.</summary>
    public Task<long> NextConfigChangedAsync()
    {
        var received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        IDisposable? subscription = null;
        subscription = Connection.On<ConfigChangedNotice>(nameof(IAgentClient.ConfigChanged), notice =>
        {
            received.TrySetResult(notice.ConfigVersion);
            subscription?.Dispose();
        });
        return received.Task;
    }

    public static AgentEvent Event(long sequence, AgentEventKind kind = AgentEventKind.ServiceStarted, string? service = "web", string message = "started") => new()
    {
        Sequence = sequence,
        OccurredAt = DateTimeOffset.UtcNow,
        Kind = kind,
        Service = service,
        Message = message,
    };

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
