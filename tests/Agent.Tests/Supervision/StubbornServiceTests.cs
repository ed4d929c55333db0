using System.Net;
using System.Net.Sockets;
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

/// <summary>
/// A failing service whose manager will not stop it: the supervisor ends its processes instead,
/// and when even that fails it keeps judging the service and spends the restart budget.
/// </summary>
public sealed class StubbornServiceTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly EventOutbox _outbox;
    private readonly AgentEvents _events;
    private readonly HttpClient _http = new();

    public StubbornServiceTests()
    {
        _outbox = new EventOutbox(_folder.Path, TimeProvider.System, NullLogger<EventOutbox>.Instance);
        _events = new AgentEvents(_outbox, NullLogger<AgentEvents>.Instance);
    }

    public void Dispose()
    {
        _http.Dispose();
        _outbox.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_service_that_will_not_stop_is_killed_and_started_again()
    {
        var manager = new StubbornManager { Killable = true };
        await using var service = Supervise(manager, maxRestarts: 5);

        await Eventually.HoldsAsync(() => manager.Starts >= 1, "the killed service is started again");

        Assert.True(manager.StopRequests >= 1);
        Assert.True(manager.Kills >= 1);
        Assert.Contains(Recorded(), e => e.Kind == AgentEventKind.ServiceExited && e.Message.Contains("could not stop", StringComparison.Ordinal) && e.Message.Contains("ending its processes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_service_that_can_be_neither_stopped_nor_killed_spends_the_budget_and_is_given_up()
    {
        var manager = new StubbornManager { Killable = false };
        await using var service = Supervise(manager, maxRestarts: 2);

        await Eventually.HoldsAsync(() => Recorded().Any(e => e.Kind == AgentEventKind.ServiceGaveUp), "the supervisor gives up on the service");

        Assert.Equal(0, manager.Starts);
        Assert.True(manager.StopRequests >= 3, $"stop was requested {manager.StopRequests} time(s)");
        Assert.Contains(Recorded(), e => e.Message.Contains("could not end its processes either", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_standby_whose_stop_fails_is_never_held_stopped_so_its_deactivation_does_not_confirm()
    {
        var manager = new StubbornManager { Killable = false };
        await using var service = Supervise(manager, maxRestarts: 5, new StandbyGate());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.WaitUntilHeldStoppedAsync(deadline.Token));

        Assert.True(manager.StopRequests >= 1, "the standby's service was asked to stop");
        Assert.Equal(ServiceState.Running, service.Report().State);
    }

    [Fact]
    public async Task A_standby_is_held_stopped_once_its_service_is_down_and_no_start_follows()
    {
        var manager = new StubbornManager { Killable = true };
        await using var service = Supervise(manager, maxRestarts: 5, new StandbyGate());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var report = await service.WaitUntilHeldStoppedAsync(deadline.Token);

        Assert.Equal(ServiceState.Stopped, report.State);
        Assert.Equal(0, manager.Starts);
    }

    private SupervisedService Supervise(StubbornManager manager, int maxRestarts, IRoleGate? roles = null)
    {
        var definition = new ManagedServiceDefinition
        {
            Name = "stubborn",
            Kind = ServiceKinds.Process,
            Executable = "stubborn",
            OperationTimeout = TimeSpan.FromSeconds(2),
            Restart = new RestartSettings { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(100), Jitter = 0, MaxRestarts = maxRestarts },
            Probes = [new ProbeDefinition { Kind = ProbeKinds.Tcp, Host = "127.0.0.1", Port = ClosedPort(), Interval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromMilliseconds(500), Fall = 1, Rise = 1 }],
        };
        var service = new SupervisedService(
            definition,
            new SourcedDefinition(definition, "test"),
            RestartPolicy.Resolve(null, definition.Restart),
            manager,
            _events,
            _http,
            roles ?? new NoRoles(),
            TimeProvider.System,
            NullLogger.Instance);
        service.Start();
        return service;
    }

    private List<AgentEvent> Recorded() => [.. _outbox.Peek(1000)];

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A standby of a failover group: its service may neither start nor keep running.</summary>
    private sealed class StandbyGate : IRoleGate
    {
        public event Action<string>? Changed
        {
            add { }
            remove { }
        }

        public RoleAllowance PermissionFor(string service) => new() { MayStart = false, MayKeepRunning = false, Reason = "standby in group orders (epoch 2)" };

        public void HealthChanged(string service)
        {
        }
    }

    /// <summary>Runs from the start and refuses every stop; a kill works only when told so.</summary>
    private sealed class StubbornManager : IServiceManager
    {
        private volatile bool _running = true;

        public bool Killable { get; init; }

        public int StopRequests;
        public int Kills;
        public int Starts;

        public int? ProcessId => _running ? 4242 : null;

        public ServiceObservation Observe() => new() { State = _running ? ServiceState.Running : ServiceState.Stopped, ProcessId = ProcessId };

        public Task WaitForExitAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Starts);
            _running = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref StopRequests);
            throw new ServiceOperationException("the service did not stop within 2 s (still StopPending)");
        }

        public Task PauseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ContinueAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task KillAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Kills);
            if (!Killable)
            {
                throw new ServiceOperationException("access denied");
            }

            _running = false;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
