using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Supervision;

/// <summary>A member of a failover group is started by the agent alone: its manager is asked to see to it, and a change is reported.</summary>
public sealed class MemberStartsTests : IAsyncDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly EventOutbox _outbox;
    private readonly AgentEvents _events;
    private readonly HttpClient _http = new();
    private readonly List<SupervisedService> _supervised = [];

    public MemberStartsTests()
    {
        _outbox = new EventOutbox(_folder.Path, TimeProvider.System, NullLogger<EventOutbox>.Instance);
        _events = new AgentEvents(_outbox, NullLogger<AgentEvents>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _supervised)
        {
            await service.StopSupervisingAsync(stopService: false, "the test is over", CancellationToken.None);
            await service.DisposeAsync();
        }

        _http.Dispose();
        _outbox.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_member_whose_windows_service_the_service_control_manager_could_start_is_changed_and_the_change_reported()
    {
        var manager = new ScmLikeManager(["start type Automatic changed to Manual", "3 recovery action(s) cleared"]);
        Supervise(manager, Member);

        await Eventually.HoldsAsync(() => Recorded().Any(e => e.Kind == AgentEventKind.ConfigApplied), "the change is reported");

        Assert.Equal(1, manager.Checks);
        var reported = Assert.Single(Recorded(), e => e.Kind == AgentEventKind.ConfigApplied);
        Assert.Equal("sql", reported.Service);
        Assert.Contains("failover group orders", reported.Message, StringComparison.Ordinal);
        Assert.Contains("start type Automatic changed to Manual; 3 recovery action(s) cleared", reported.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_that_needs_no_change_is_checked_once_and_nothing_is_reported()
    {
        var manager = new ScmLikeManager([]);
        var service = Supervise(manager, Member);

        await service.WaitForReportAsync(r => r.State == ServiceState.Running, TestContext.Current.CancellationToken);
        service.Nudge();
        await Eventually.HoldsAsync(() => manager.Observations >= 3, "supervision goes on");

        Assert.Equal(1, manager.Checks);
        Assert.DoesNotContain(Recorded(), e => e.Kind == AgentEventKind.ConfigApplied);
    }

    [Fact]
    public async Task A_service_in_no_failover_group_is_left_as_it_is()
    {
        var manager = new ScmLikeManager(["start type Automatic changed to Manual"]);
        var service = Supervise(manager, RoleAllowance.Unrestricted);

        await service.WaitForReportAsync(r => r.State == ServiceState.Running, TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(() => manager.Observations >= 2, "supervision goes on");

        Assert.Equal(0, manager.Checks);
    }

    private static RoleAllowance Member => new()
    {
        MayStart = true,
        MayKeepRunning = true,
        Role = new GroupRole { GroupId = Guid.NewGuid(), GroupName = "orders", Service = "sql", Epoch = 1, Active = true },
    };

    private List<AgentEvent> Recorded() => [.. _outbox.Peek(1000)];

    private SupervisedService Supervise(IServiceManager manager, RoleAllowance allowance)
    {
        var definition = new ManagedServiceDefinition { Name = "sql", Kind = ServiceKinds.Windows, ServiceName = "MSSQLSERVER" };
        var service = new SupervisedService(
            definition,
            new SourcedDefinition(definition, "test"),
            RestartPolicy.Resolve(null, definition.Restart),
            manager,
            _events,
            _http,
            new FixedRoleGate(allowance),
            TimeProvider.System,
            NullLogger.Instance);
        _supervised.Add(service);
        service.Start();
        return service;
    }

    private sealed class FixedRoleGate(RoleAllowance allowance) : IRoleGate
    {
        public event Action<string>? Changed
        {
            add { }
            remove { }
        }

        public RoleAllowance PermissionFor(string service) => allowance;

        public void HealthChanged(string service)
        {
        }
    }

    /// <summary>A running windows-kind service whose start settings need the given changes.</summary>
    private sealed class ScmLikeManager(IReadOnlyList<string> changes) : IServiceManager
    {
        private int _checks;
        private int _observations;

        public int Checks => Volatile.Read(ref _checks);

        public int Observations => Volatile.Read(ref _observations);

        public int? ProcessId => 4242;

        public IReadOnlyList<string> KeepStartsToTheAgent()
        {
            Interlocked.Increment(ref _checks);
            return changes;
        }

        public ServiceObservation Observe()
        {
            Interlocked.Increment(ref _observations);
            return new() { State = ServiceState.Running, ProcessId = ProcessId, StartType = "Manual" };
        }

        public Task WaitForExitAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PauseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ContinueAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task KillAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
