using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Agents;

/// <summary>
/// A real PostgreSQL server that is stopped, or hangs (SIGSTOP), under a control plane whose agent
/// holds a Stop-isolation role: heartbeats are acknowledged and the lease renewed all along, events
/// sent meanwhile are refused with "send them again" and stored exactly once when the server is back.
/// </summary>
public sealed class DatabaseStallTests : IAsyncLifetime
{
    private static readonly ServiceReport[] StandingBy = [Build.Service("web", ServiceState.Stopped, ServiceHealth.Healthy)];
    private PostgresServer _server = null!;
    private TestDatabase _database = null!;
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private CommandsAndGroupsClient _api = null!;
    private ListeningAgent _a = null!;
    private ListeningAgent _b = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        _database = TestDatabase.PostgreSql(await _server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));
        _host = await ControlPlaneHost.StartAsync(_database);
        _http = _host.CreateHttpClient();
        _api = new CommandsAndGroupsClient(_http);
        _a = await ListeningAgent.StartAsync(_host, StandingBy, nodeName: "web-a");
        _b = await ListeningAgent.StartAsync(_host, StandingBy, nodeName: "web-b");
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task While_the_database_hangs_heartbeats_renew_the_lease_at_once_and_events_are_refused_then_stored_once()
    {
        var group = await ElectWebAAsync();
        Assert.Equal(1, (await _a.Agent.ReportEventsAsync(TestAgentConnection.Event(1))).UpTo);
        var other = await KnownNodeAsync();

        _server.Freeze();
        var events = _a.Agent.ReportEventsAsync(TestAgentConnection.Event(2), TestAgentConnection.Event(3));
        var outcome = _a.Agent.Connection.InvokeAsync(nameof(Shared.Hubs.IAgentHub.CommandResult), new CommandOutcome { CommandId = Guid.NewGuid(), Succeeded = true, Message = "done" }, TestContext.Current.CancellationToken);
        var lease = await RenewAsync(group);

        Assert.False(events.IsCompleted, "the heartbeat was answered only after the event batch, which waits on the database");
        Assert.Equal((group.Id, group.Epoch), (lease.GroupId, lease.Epoch));
        Assert.Contains("send them again", (await Assert.ThrowsAsync<HubException>(() => events)).Message, StringComparison.Ordinal);
        Assert.Contains("deliver the command again", (await Assert.ThrowsAsync<HubException>(() => outcome)).Message, StringComparison.Ordinal);
        await RenewAsync(group);

        // A known agent reconnects on its remembered credential, and its heartbeats are acknowledged.
        await using (var again = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, other))
        {
            await again.RegisterAsync();
            Assert.Equal(1, (await again.HeartbeatAsync()).Sequence);
        }

        await RenewAsync(group);
        _server.Thaw();

        await SendAgainUntilStoredAsync();
        var stored = await StoredSequencesAsync(_a.NodeId);
        Assert.Equal([1L, 2L, 3L], stored);
    }

    [Fact]
    public async Task While_the_database_is_stopped_heartbeats_renew_the_lease_and_events_are_refused_then_stored_once()
    {
        var group = await ElectWebAAsync();
        Assert.Equal(1, (await _a.Agent.ReportEventsAsync(TestAgentConnection.Event(1))).UpTo);
        var other = await KnownNodeAsync();

        await _server.StopAsync(TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAsync<HubException>(() => _a.Agent.ReportEventsAsync(TestAgentConnection.Event(2), TestAgentConnection.Event(3)));
        var lease = await RenewAsync(group);

        Assert.Contains("send them again", refused.Message, StringComparison.Ordinal);
        Assert.Equal((group.Id, group.Epoch), (lease.GroupId, lease.Epoch));
        await using (var again = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, other))
        {
            await again.RegisterAsync();
            Assert.Equal(1, (await again.HeartbeatAsync()).Sequence);
        }

        await RenewAsync(group);
        await _server.StartAgainAsync(TestContext.Current.CancellationToken);

        await SendAgainUntilStoredAsync();
        var stored = await StoredSequencesAsync(_a.NodeId);
        Assert.Equal([1L, 2L, 3L], stored);
    }

    /// <summary>A heartbeat of the active member; returns the lease its acknowledgement renews.</summary>
    private async Task<LeaseRenewal> RenewAsync(GroupResponse group) =>
        Assert.Single((await _a.ReportAsync([Build.Service("web")], [Role(group.Id, group.Epoch, active: true)])).Leases);

    /// <summary>The events the database did not take, sent again as the agent does until they are confirmed.</summary>
    private Task SendAgainUntilStoredAsync() => Eventually.HoldsAsync(
        async () =>
        {
            try
            {
                return (await _a.Agent.ReportEventsAsync(TestAgentConnection.Event(2), TestAgentConnection.Event(3))).UpTo == 3;
            }
            catch (HubException)
            {
                return false;
            }
        },
        "the events kept by the agent are stored when the database is back");

    /// <summary>A node whose agent connected once while the database was up, and is disconnected now.</summary>
    private async Task<Guid> KnownNodeAsync()
    {
        await using var known = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
        await known.RegisterAsync();
        return known.NodeId;
    }

    /// <summary>The agent's own events as stored (the group's transitions are stored with negative sequences).</summary>
    private async Task<long[]> StoredSequencesAsync(Guid nodeId)
    {
        await using var db = await _host.OpenDatabaseAsync();
        return await db.Events.Where(e => e.NodeId == nodeId && e.Sequence > 0).OrderBy(e => e.Sequence).Select(e => e.Sequence).ToArrayAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Creates the group and plays both agents' part until web-a is confirmed active.</summary>
    private async Task<GroupResponse> ElectWebAAsync()
    {
        var group = await _api.CreateGroupAsync(Build.Group("web", Build.Member(_a.NodeId, priority: 1), Build.Member(_b.NodeId, priority: 2)));
        var activate = await _a.WaitForCommandAsync(c => c.Kind == CommandKind.Activate && c.Role?.GroupId == group.Id, "Activate");
        var epoch = activate.Role!.Epoch;
        await _a.AnswerAsync(activate.Id, message: $"web is active at epoch {epoch}");
        await _a.ReportAsync([Build.Service("web")], [Role(group.Id, epoch, active: true)]);
        await _b.ReportAsync(roles: [Role(group.Id, epoch, active: false)]);
        var elected = await _api.WaitForGroupAsync(group.Id, g => g.Transition is null && g.ActiveNodeId == _a.NodeId, "web-a is confirmed active");
        Assert.Equal(IsolationPolicy.Stop, activate.Role.Terms.Isolation);
        return elected;
    }

    private static RoleReport Role(Guid groupId, long epoch, bool active) =>
        new() { GroupId = groupId, Service = "web", Epoch = epoch, Active = active, HoldsLease = active, ServiceUp = active };
}
