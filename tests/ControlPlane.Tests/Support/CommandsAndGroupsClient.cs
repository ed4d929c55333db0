using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Commands;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>Commands and failover groups through the public REST API, as an operator's script would use them.</summary>
public sealed class CommandsAndGroupsClient(HttpClient http)
{
    public static JsonSerializerOptions Json => NodesApiClient.Json;

    public async Task<HttpResponseMessage> PostCommandAsync(object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/commands", UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Submits a command that must be accepted (201) and returns it as stored.</summary>
    public async Task<CommandResponse> SubmitAsync(Guid nodeId, string kind = "restart", string service = "web", int? timeToLiveSeconds = null, int? timeoutSeconds = null)
    {
        using var response = await PostCommandAsync(new { nodeId, service, kind, timeToLiveSeconds, timeoutSeconds });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CommandResponse>(Json, TestContext.Current.CancellationToken))!;
    }

    public async Task<CommandResponse?> FindCommandAsync(Guid id)
    {
        using var response = await http.GetAsync(new Uri($"/api/v1/commands/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<CommandResponse>(Json, TestContext.Current.CancellationToken) : null;
    }

    public async Task<PagedResult<CommandResponse>> ListCommandsAsync(string query = "") =>
        (await http.GetFromJsonAsync<PagedResult<CommandResponse>>(new Uri($"/api/v1/commands{query}", UriKind.Relative), Json, TestContext.Current.CancellationToken))!;

    /// <summary>Waits until the command is in <paramref name="state"/>, and returns it then.</summary>
    public async Task<CommandResponse> WaitForStateAsync(Guid id, CommandState state, TimeSpan? timeout = null)
    {
        CommandResponse? command = null;
        await Eventually.HoldsAsync(async () => (command = await FindCommandAsync(id))?.State == state, $"command {id} is {state}", timeout);
        return command!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Creates a group that must be accepted (201) and returns it.</summary>
    public async Task<GroupResponse> CreateGroupAsync(GroupRequest request)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/groups", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await response.Content.ReadFromJsonAsync<GroupResponse>(Json, TestContext.Current.CancellationToken))!;
    }

    public async Task<GroupResponse?> FindGroupAsync(Guid id)
    {
        using var response = await http.GetAsync(new Uri($"/api/v1/groups/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<GroupResponse>(Json, TestContext.Current.CancellationToken) : null;
    }

    public async Task<IReadOnlyList<GroupResponse>> ListGroupsAsync() =>
        (await http.GetFromJsonAsync<List<GroupResponse>>(new Uri("/api/v1/groups", UriKind.Relative), Json, TestContext.Current.CancellationToken))!;

    /// <summary>Waits until the group satisfies <paramref name="condition"/>, and returns it then.</summary>
    public async Task<GroupResponse> WaitForGroupAsync(Guid id, Func<GroupResponse, bool> condition, string what)
    {
        GroupResponse? group = null;
        await Eventually.HoldsAsync(async () => (group = await FindGroupAsync(id)) is not null && condition(group), what);
        return group!;
    }

    /// <summary>Reads a problem answer and asserts its status; returns the problem's JSON.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>.</summary>
    public static async Task AssertNamesFieldAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
    }
}

/// <summary>Builders of what agents report and operators ask for.</summary>
public static class Build
{
    public static ServiceReport Service(string name = "web", ServiceState state = ServiceState.Running, ServiceHealth health = ServiceHealth.Healthy) => new()
    {
        Name = name,
        Kind = ServiceKinds.Process,
        State = state,
        Health = health,
        Reason = $"{name} is {state}",
    };

    public static MemberRequest Member(Guid nodeId, int priority = 100, string service = "web") => new() { NodeId = nodeId, Service = service, Priority = priority };

    public static GroupRequest Group(string name, params MemberRequest[] members) => new() { Name = name, Members = [.. members] };
}

/// <summary>
/// A test agent on a real connection that keeps every command the control plane sends it and can answer
/// them. It registers with the longest heartbeat interval, so the node stays Alive through a test
/// without a heartbeat loop; <see cref="ReportAsync"/> sends one when the test changes what it reports.
/// </summary>
public sealed class ListeningAgent : IAsyncDisposable
{
    private readonly ConcurrentQueue<AgentCommand> _received = new();
    private IReadOnlyList<ServiceReport> _services = [];
    private IReadOnlyList<RoleReport> _roles = [];

    private ListeningAgent(TestAgentConnection agent)
    {
        Agent = agent;
        agent.Connection.On<AgentCommand>(nameof(IAgentClient.ExecuteCommand), _received.Enqueue);
    }

    public TestAgentConnection Agent { get; }

    public Guid NodeId => Agent.NodeId;

    public IReadOnlyList<AgentCommand> Received => [.. _received];

    /// <summary>
    /// A listening agent beats only when its test says so, at the longest interval a 3 s lease allows;
    /// hosts it talks to count many missed beats before a node is Suspect or Lost (a minute, as before).
    /// </summary>
    public const int HeartbeatIntervalMs = 1500;

    /// <summary><paramref name="settings"/> and the liveness thresholds of a host whose agents beat only when told.</summary>
    public static Dictionary<string, string?> HostSettings(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Liveness:SuspectAfterMissedHeartbeats"] = "40",
            ["Liveness:LostAfterMissedHeartbeats"] = "41",
            ["Liveness:LostAfterDisconnectIntervals"] = "40",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }

    /// <summary>Connects (as <paramref name="nodeId"/> when given), registers and reports <paramref name="services"/>.</summary>
    public static async Task<ListeningAgent> StartAsync(ControlPlaneHost host, IReadOnlyList<ServiceReport> services, Guid? nodeId = null, string? nodeName = null)
    {
        var listening = new ListeningAgent(await TestAgentConnection.ConnectAsync(host.Address, ControlPlaneHost.EnrollmentToken, nodeId, nodeName));
        await listening.Agent.RegisterAsync(listening.Agent.Registration(HeartbeatIntervalMs));
        await listening.ReportAsync(services);
        return listening;
    }

    /// <summary>Sends a heartbeat with these services and roles (the last ones when not given); returns the acknowledgement.</summary>
    public Task<HeartbeatAck> ReportAsync(IReadOnlyList<ServiceReport>? services = null, IReadOnlyList<RoleReport>? roles = null)
    {
        _services = services ?? _services;
        _roles = roles ?? _roles;
        return Agent.HeartbeatAsync(Agent.NextHeartbeat() with { Services = _services, Roles = _roles });
    }

    /// <summary>Waits for a command this agent was sent that satisfies <paramref name="match"/>.</summary>
    public async Task<AgentCommand> WaitForCommandAsync(Func<AgentCommand, bool> match, string what, TimeSpan? timeout = null)
    {
        AgentCommand? found = null;
        await Eventually.HoldsAsync(() => (found = _received.FirstOrDefault(match)) is not null, $"{Agent.NodeName} received {what}", timeout);
        return found!;
    }

    public Task<AgentCommand> WaitForCommandAsync(Guid commandId, TimeSpan? timeout = null) =>
        WaitForCommandAsync(c => c.Id == commandId, $"command {commandId}", timeout);

    public int TimesReceived(Guid commandId) => _received.Count(c => c.Id == commandId);

    public Task AnswerAsync(Guid commandId, bool succeeded = true, string message = "done") =>
        Agent.Connection.InvokeAsync(nameof(IAgentHub.CommandResult), new CommandOutcome { CommandId = commandId, Succeeded = succeeded, Message = message }, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Agent.DisposeAsync();
}
