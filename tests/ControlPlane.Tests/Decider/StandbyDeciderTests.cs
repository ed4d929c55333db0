using Microsoft.Extensions.Hosting;
using Vigil.ControlPlane.Decider;
using Vigil.ControlPlane.Observability;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Decider;

/// <summary>
/// A deciding control plane in standby mode over a real PostgreSQL server that hangs (SIGSTOP): it
/// grants no lease once its own decider lease may have ended (another instance could be deciding by
/// then), and stops so that its service manager starts it again as a standby.
/// </summary>
public sealed class StandbyDeciderTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMilliseconds(500);
    private PostgresServer _server = null!;
    private TestDatabase _database = null!;
    private ControlPlaneHost _host = null!;
    private HttpClient _http = null!;
    private ListeningAgent _agent = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        _database = TestDatabase.PostgreSql(await _server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));
        _host = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Decider:Standby"] = "true",
            ["Decider:LeaseDuration"] = LeaseDuration.ToString(),
            ["Decider:RenewInterval"] = "00:00:00.250",
            ["Decider:ClockSkewAllowance"] = ClockSkewAllowance.ToString(),
        });
        _http = _host.CreateHttpClient();
        _agent = await ListeningAgent.StartAsync(_host, [Build.Service("web", ServiceState.Stopped, ServiceHealth.Healthy)], nodeName: "web-a");
    }

    public async ValueTask DisposeAsync()
    {
        _server.Thaw();
        await _agent.DisposeAsync();
        _http.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task While_the_database_hangs_no_lease_is_granted_past_the_decider_leases_trusted_end_and_the_instance_stops()
    {
        var group = await new CommandsAndGroupsClient(_http).CreateGroupAsync(Build.Group("web", Build.Member(_agent.NodeId, priority: 1)));
        var activate = await _agent.WaitForCommandAsync(c => c.Kind == CommandKind.Activate && c.Role?.GroupId == group.Id, "Activate");
        var active = new RoleReport { GroupId = group.Id, Service = "web", Epoch = activate.Role!.Epoch, Active = true, HoldsLease = true, ServiceUp = true };
        await _agent.AnswerAsync(activate.Id);
        await Eventually.HoldsAsync(async () => (await _agent.ReportAsync([Build.Service("web")], [active])).Leases.Count == 1, "the active member is granted leases");

        // Every renewal of the decider lease started before this moment: none can be trusted past the bound below.
        var frozenAt = DateTimeOffset.UtcNow;
        _server.Freeze();
        var trustedUntil = frozenAt + LeaseDuration - ClockSkewAllowance;
        var grantedLate = new List<DateTimeOffset>();
        await Eventually.HoldsAsync(
            async () =>
            {
                IReadOnlyList<LeaseRenewal> leases;
                try
                {
                    leases = (await _agent.ReportAsync([Build.Service("web")], [active])).Leases;
                }
                catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
                {
                    // The instance stopped and closed the connection: it grants nothing more either.
                    return true;
                }

                var answeredAt = DateTimeOffset.UtcNow;
                if (leases.Count > 0 && answeredAt > trustedUntil)
                {
                    grantedLate.Add(answeredAt);
                }

                return leases.Count == 0;
            },
            "heartbeats are answered without a lease, or no more",
            TimeSpan.FromSeconds(20));

        Assert.Empty(grantedLate);
        Assert.False(_host.Get<IDeciderAuthority>().MayDecide);
        await Eventually.HoldsAsync(
            () => _host.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested,
            "the instance stops, to start again as a standby",
            TimeSpan.FromSeconds(20));
        Assert.Equal(1, _host.Get<HostExitCode>().Code);
    }
}
