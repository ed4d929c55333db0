using Microsoft.AspNetCore.SignalR;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Commands;

/// <summary>How commands reach agents' real connections, and how their answers, expiry, resends and timeouts end them.</summary>
public sealed class CommandDeliveryTests : IAsyncLifetime
{
    private static readonly ServiceReport[] WebAndApi = [Build.Service("web"), Build.Service("api", ServiceState.Stopped, ServiceHealth.Stopped)];
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private readonly List<IAsyncDisposable> _owned = [];
    private ControlPlaneHost _host = null!;
    private CommandsAndGroupsClient _api = null!;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task A_command_for_a_connected_agent_arrives_on_its_connection_with_its_kind_service_and_id()
    {
        await StartControlPlaneAsync();
        var node = await ConnectAsync();

        var submitted = await _api.SubmitAsync(node.NodeId, "stop", "API", timeoutSeconds: 30);

        var received = await node.WaitForCommandAsync(submitted.Id);
        Assert.Equal((CommandKind.Stop, "api", 30_000), (received.Kind, received.Service, received.TimeoutMs));
        Assert.Null(received.Role);
        var sent = await _api.WaitForStateAsync(submitted.Id, CommandState.Sent);
        Assert.Equal(1, sent.Attempts);
        Assert.NotNull(sent.SentAt);
        Assert.Null(sent.CompletedAt);
    }

    [Theory]
    [InlineData(true, CommandState.Succeeded)]
    [InlineData(false, CommandState.Failed)]
    public async Task The_agents_answer_ends_the_command_with_its_message(bool succeeded, CommandState state)
    {
        await StartControlPlaneAsync();
        var node = await ConnectAsync();
        var submitted = await _api.SubmitAsync(node.NodeId, "restart");
        await node.WaitForCommandAsync(submitted.Id);

        await node.AnswerAsync(submitted.Id, succeeded, "web restarted in 1.2 s (pid 4711)");

        var ended = (await _api.FindCommandAsync(submitted.Id))!;
        Assert.Equal(state, ended.State);
        Assert.Equal("web restarted in 1.2 s (pid 4711)", ended.Message);
        Assert.NotNull(ended.CompletedAt);
    }

    [Fact]
    public async Task Live_views_are_told_of_the_node_when_its_command_is_created_and_again_when_it_is_answered()
    {
        await StartControlPlaneAsync();
        var node = await ConnectAsync();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var changes = _host.Get<CommandChangeFeed>();
        await using var batches = changes.WatchAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        var first = batches.MoveNextAsync().AsTask();

        var submitted = await _api.SubmitAsync(node.NodeId, "restart");
        Assert.True(await first);
        Assert.Contains(node.NodeId, batches.Current);

        // Past the delivery: every change until a marker published after it is behind us.
        await node.WaitForCommandAsync(submitted.Id);
        var marker = Guid.NewGuid();
        changes.Publish(marker);
        while (await batches.MoveNextAsync() && !batches.Current.Contains(marker))
        {
        }

        var next = batches.MoveNextAsync().AsTask();
        await node.AnswerAsync(submitted.Id, succeeded: true, "restarted");
        Assert.True(await next);
        Assert.Contains(node.NodeId, batches.Current);
    }

    [Fact]
    public async Task A_command_for_a_disconnected_node_waits_pending_and_is_delivered_when_its_agent_registers_again()
    {
        await StartControlPlaneAsync();
        var nodeId = await RegisterAndLeaveAsync();

        var submitted = await _api.SubmitAsync(nodeId, "restart", timeToLiveSeconds: 600);
        Assert.Equal(CommandState.Pending, submitted.State);
        Assert.Equal(CommandState.Pending, (await _api.FindCommandAsync(submitted.Id))!.State);

        var back = await ConnectAsync(nodeId);
        var received = await back.WaitForCommandAsync(submitted.Id);
        Assert.Equal(CommandKind.Restart, received.Kind);
        Assert.Equal(1, (await _api.WaitForStateAsync(submitted.Id, CommandState.Sent)).Attempts);
    }

    [Fact]
    public async Task A_command_whose_time_to_live_passes_undelivered_expires_and_is_never_delivered()
    {
        await StartControlPlaneAsync();
        var nodeId = await RegisterAndLeaveAsync();
        var submitted = await _api.SubmitAsync(nodeId, "restart", timeToLiveSeconds: 1);

        var expired = await _api.WaitForStateAsync(submitted.Id, CommandState.Expired);

        Assert.Contains("time-to-live", expired.Message, StringComparison.Ordinal);
        Assert.NotNull(expired.CompletedAt);
        Assert.Equal(0, expired.Attempts);
        var back = await ConnectAsync(nodeId);
        var later = await _api.SubmitAsync(nodeId, "start", "api");
        await back.WaitForCommandAsync(later.Id);
        Assert.Equal(0, back.TimesReceived(submitted.Id));
    }

    [Fact]
    public async Task The_configured_time_to_live_applies_to_a_command_that_names_none()
    {
        await StartControlPlaneAsync(new() { ["Commands:TimeToLive"] = "00:00:01" });
        var nodeId = await RegisterAndLeaveAsync();

        var submitted = await _api.SubmitAsync(nodeId, "restart");

        Assert.Equal(TimeSpan.FromSeconds(1), submitted.ExpiresAt - submitted.CreatedAt);
        await _api.WaitForStateAsync(submitted.Id, CommandState.Expired);
    }

    [Fact]
    public async Task An_unanswered_command_is_delivered_again_when_the_agent_reconnects()
    {
        await StartControlPlaneAsync();
        var node = await ConnectAsync();
        var submitted = await _api.SubmitAsync(node.NodeId, "restart", timeoutSeconds: 120);
        await node.WaitForCommandAsync(submitted.Id);
        await node.DisposeAsync();
        using (var http = _host.CreateHttpClient())
        {
            await WaitUntilDisconnectedAsync(http, node.NodeId);
        }

        var back = await ConnectAsync(node.NodeId);

        await back.WaitForCommandAsync(submitted.Id);
        Assert.Equal(2, (await _api.FindCommandAsync(submitted.Id))!.Attempts);
    }

    [Fact]
    public async Task A_delivered_command_without_an_answer_is_delivered_again_after_the_resend_interval()
    {
        await StartControlPlaneAsync(new() { ["Commands:ResendAfter"] = "00:00:01" });
        var node = await ConnectAsync();
        var submitted = await _api.SubmitAsync(node.NodeId, "restart", timeoutSeconds: 120);

        await Eventually.HoldsAsync(() => node.TimesReceived(submitted.Id) >= 2, "the unanswered command was delivered a second time");

        await Eventually.HoldsAsync(async () => (await _api.FindCommandAsync(submitted.Id))!.Attempts >= 2, "the command counts two attempts");
        await node.AnswerAsync(submitted.Id, message: "restarted once (the repeat came from the journal)");
        Assert.Equal(CommandState.Succeeded, (await _api.FindCommandAsync(submitted.Id))!.State);
    }

    [Fact]
    public async Task A_delivered_command_without_an_answer_within_its_timeout_times_out()
    {
        await StartControlPlaneAsync();
        var node = await ConnectAsync();
        var submitted = await _api.SubmitAsync(node.NodeId, "restart", timeoutSeconds: 1);
        await node.WaitForCommandAsync(submitted.Id);

        var timedOut = await _api.WaitForStateAsync(submitted.Id, CommandState.TimedOut);

        Assert.Contains("no answer", timedOut.Message, StringComparison.Ordinal);
        Assert.NotNull(timedOut.CompletedAt);
        Assert.Equal(1, timedOut.Attempts);
    }

    [Fact]
    public async Task A_command_pending_when_the_control_plane_restarts_is_kept_and_delivered_after_the_restart()
    {
        Guid nodeId;
        Guid commandId;
        await using (var first = await ControlPlaneHost.StartAsync(_database, ListeningAgent.HostSettings()))
        {
            using var http = first.CreateHttpClient();
            var api = new CommandsAndGroupsClient(http);
            await using (var agent = await ListeningAgent.StartAsync(first, WebAndApi))
            {
                nodeId = agent.NodeId;
            }

            await WaitUntilDisconnectedAsync(http, nodeId);
            commandId = (await api.SubmitAsync(nodeId, "restart", timeToLiveSeconds: 600)).Id;
        }

        await StartControlPlaneAsync();

        Assert.Equal(CommandState.Pending, (await _api.FindCommandAsync(commandId))!.State);
        var back = await ConnectAsync(nodeId);
        await back.WaitForCommandAsync(commandId);
        await back.AnswerAsync(commandId, message: "restarted");
        Assert.Equal(CommandState.Succeeded, (await _api.FindCommandAsync(commandId))!.State);
    }

    [Theory]
    [InlineData("empty command id")]
    [InlineData("message over 2048 characters")]
    public async Task An_invalid_answer_is_refused_with_a_hub_exception_and_changes_nothing(string invalid)
    {
        await StartControlPlaneAsync();
        var node = await ConnectAsync();
        var submitted = await _api.SubmitAsync(node.NodeId, "restart");
        await node.WaitForCommandAsync(submitted.Id);
        var before = await _api.WaitForStateAsync(submitted.Id, CommandState.Sent);
        var (id, message, field) = invalid == "empty command id"
            ? (Guid.Empty, "done", "commandId")
            : (submitted.Id, new string('x', MessageLimits.CommandMessageMaxLength + 1), "message");

        var refusal = await Assert.ThrowsAsync<HubException>(() => node.AnswerAsync(id, succeeded: true, message));

        Assert.Contains(field, refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _api.FindCommandAsync(submitted.Id));
        await node.AnswerAsync(submitted.Id, message: new string('x', MessageLimits.CommandMessageMaxLength));
        Assert.Equal(CommandState.Succeeded, (await _api.FindCommandAsync(submitted.Id))!.State);
    }

    [Fact]
    public async Task An_answer_from_another_node_changes_nothing()
    {
        await StartControlPlaneAsync();
        var node = await ConnectAsync();
        var other = await ConnectAsync();
        var submitted = await _api.SubmitAsync(node.NodeId, "stop");
        await node.WaitForCommandAsync(submitted.Id);
        var before = await _api.WaitForStateAsync(submitted.Id, CommandState.Sent);

        await other.AnswerAsync(submitted.Id, succeeded: false, "not mine");

        Assert.Equal(before, await _api.FindCommandAsync(submitted.Id));
        Assert.Equal(0, other.TimesReceived(submitted.Id));
    }

    private async Task StartControlPlaneAsync(Dictionary<string, string?>? settings = null)
    {
        _host = await ControlPlaneHost.StartAsync(_database, ListeningAgent.HostSettings(settings));
        _owned.Add(_host);
        var http = _host.CreateHttpClient();
        _owned.Add(new DisposeWith(http));
        _api = new CommandsAndGroupsClient(http);
    }

    private async Task<ListeningAgent> ConnectAsync(Guid? nodeId = null)
    {
        var agent = await ListeningAgent.StartAsync(_host, WebAndApi, nodeId);
        _owned.Add(agent);
        return agent;
    }

    /// <summary>A node that registered and reported its services, then went away; returns its id.</summary>
    private async Task<Guid> RegisterAndLeaveAsync()
    {
        Guid nodeId;
        await using (var agent = await ListeningAgent.StartAsync(_host, WebAndApi))
        {
            nodeId = agent.NodeId;
        }

        using var http = _host.CreateHttpClient();
        await WaitUntilDisconnectedAsync(http, nodeId);
        return nodeId;
    }

    private static Task WaitUntilDisconnectedAsync(HttpClient http, Guid nodeId) =>
        Eventually.HoldsAsync(async () => await new NodesApiClient(http).FindAsync(nodeId) is { Connected: false }, $"node {nodeId} is disconnected");

    private sealed class DisposeWith(IDisposable disposable) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            disposable.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
