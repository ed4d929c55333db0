using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
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

/// <summary>What the control plane answered to an enrolment: the credential, or the refusal's status and title.</summary>
public sealed record TestEnrolment(HttpStatusCode Status, Guid? AgentId, string? Credential, string? State, string? Title)
{
    public bool Enrolled => Credential is not null;
}

/// <summary>
/// A real SignalR connection to the agent hub, speaking as an agent would, with helpers to build
/// valid messages. Tests drive it step by step; the product's agent has its own loop. Like an agent,
/// it enrols once per node with the enrollment token and connects with the credential it got.
/// </summary>
public sealed class TestAgentConnection : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<Guid, string> Credentials = new();
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
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

    /// <summary>
    /// Enrols the node with <paramref name="token"/> (once per node and control plane; later calls reuse
    /// the credential) and connects with its credential. A refused enrolment throws with the status
    /// (e.g. 401). A null token connects with no credential at all.
    /// </summary>
    public static async Task<TestAgentConnection> ConnectAsync(
        Uri controlPlane,
        string? token,
        Guid? nodeId = null,
        string? nodeName = null,
        HubWireProtocol protocol = HubWireProtocol.MessagePack)
    {
        var id = nodeId ?? Guid.NewGuid();
        var name = nodeName ?? $"node-{id.ToString()[..8]}";
        if (token is null)
        {
            return await ConnectWithCredentialAsync(controlPlane, null, id, name, protocol);
        }

        // The credential is the node's, as an agent keeps it in its data folder, whatever control plane it meets.
        var key = id;
        if (Credentials.TryGetValue(key, out var known))
        {
            try
            {
                return await ConnectWithCredentialAsync(controlPlane, known, id, name, protocol);
            }
            catch (Exception refused) when (refused.Message.Contains("'401'", StringComparison.Ordinal))
            {
                // The control plane no longer knows the credential (a new database): enrol again, as an agent does.
            }
        }

        var enrolment = await EnrollAsync(controlPlane, token, id, name, known);
        if (!enrolment.Enrolled)
        {
            throw new HttpRequestException($"Enrolment refused: {(int)enrolment.Status} {enrolment.Title}", null, enrolment.Status);
        }

        Credentials[key] = enrolment.Credential!;
        return await ConnectWithCredentialAsync(controlPlane, enrolment.Credential, id, name, protocol);
    }

    /// <summary>POST /api/v1/agents/enroll, as the agent sends it.</summary>
    public static async Task<TestEnrolment> EnrollAsync(Uri controlPlane, string token, Guid nodeId, string hostName, string? credential = null)
    {
        using var response = await Http.PostAsJsonAsync(
            new Uri(controlPlane, "/api/v1/agents/enroll"), new { token, nodeId, hostName, credential });
        if (!response.IsSuccessStatusCode)
        {
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                ? await response.Content.ReadFromJsonAsync<ProblemBody>()
                : null;
            return new TestEnrolment(response.StatusCode, null, null, null, problem?.Title);
        }

        var enrolled = await response.Content.ReadFromJsonAsync<EnrolledBody>();
        return new TestEnrolment(response.StatusCode, enrolled!.AgentId, enrolled.Credential, enrolled.State, null);
    }

    /// <summary>Connects with an agent credential as it is (null: none), without enrolling.</summary>
    public static async Task<TestAgentConnection> ConnectWithCredentialAsync(
        Uri controlPlane,
        string? credential,
        Guid nodeId,
        string? nodeName = null,
        HubWireProtocol protocol = HubWireProtocol.MessagePack)
    {
        var builder = new HubConnectionBuilder().WithUrl(AgentHubEndpoint.For(controlPlane), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            if (credential is not null)
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(credential);
            }
        });
        if (protocol == HubWireProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        var client = new TestAgentConnection(connection, nodeId, nodeName ?? $"node-{nodeId.ToString()[..8]}");
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

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

    private sealed record EnrolledBody(Guid AgentId, string Credential, string State);

    private sealed record ProblemBody(string? Title);
}
