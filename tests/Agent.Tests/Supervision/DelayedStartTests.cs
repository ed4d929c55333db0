using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision;
using Vigil.Agent.Supervision.Machine;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Supervision;

/// <summary>A service's start delay after boot: its first start waits until the machine has been up that long.</summary>
public sealed class DelayedStartTests : IAsyncDisposable
{
    private static readonly SupervisionSettings Settings = new("web", RestartPolicy.Resolve(null, null), TimeSpan.FromSeconds(2));
    private static readonly ServiceObservation Stopped = new() { State = ServiceState.Stopped };
    private static readonly ServiceObservation Running = new() { State = ServiceState.Running, ProcessId = 7 };
    private readonly TemporaryFolder _folder = new();
    private readonly EventOutbox _outbox;
    private readonly HttpClient _http = new();
    private readonly FakeTimeProvider _time = new();

    public DelayedStartTests() => _outbox = new EventOutbox(_folder.Path, TimeProvider.System, NullLogger<EventOutbox>.Instance);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _outbox.Dispose();
        _folder.Dispose();
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData(120, 30, 90)]
    [InlineData(120, 120, 0)]
    [InlineData(120, 3600, 0)]
    [InlineData(0, 5, 0)]
    public void What_is_left_of_the_delay_counts_from_the_boot(int delaySeconds, int uptimeSeconds, int leftSeconds) =>
        Assert.Equal(Seconds(leftSeconds), DelayedStart.Remaining(Seconds(delaySeconds), Seconds(uptimeSeconds)));

    [Fact]
    public void The_first_start_is_due_when_the_machine_has_been_up_for_the_delay_and_the_reason_says_so()
    {
        var state = DelayedStart.Initial(Seconds(120), uptime: Seconds(30), now: Seconds(0));

        var waiting = Step(state, Seconds(89.9), Stopped);
        var due = Step(waiting.State, Seconds(90), Stopped);

        Assert.Null(waiting.State.Running);
        Assert.Equal((ServiceHealth.Stopped, "delayed start: starts once the machine has been up 00:02:00 (StartDelay)"), (waiting.Health, waiting.Reason));
        Assert.Equal(Seconds(0.1), SupervisionMachine.NextStepIn(Settings, waiting.State, RoleAllowance.Unrestricted, Seconds(89.9)));
        Assert.Equal((OperationKind.Start, OperationPurpose.Supervision), (due.State.Running?.Kind, due.State.Running?.Purpose));
    }

    [Fact]
    public void A_machine_up_longer_than_the_delay_starts_the_service_at_once()
    {
        var started = Step(DelayedStart.Initial(Seconds(120), uptime: Seconds(600), now: Seconds(0)), Seconds(0), Stopped);

        Assert.Equal(OperationKind.Start, started.State.Running?.Kind);
    }

    [Fact]
    public void A_service_found_running_and_an_operators_start_do_not_wait()
    {
        var delayed = DelayedStart.Initial(Seconds(120), uptime: Seconds(0), now: Seconds(0));

        var adopted = Step(delayed, Seconds(1), Running);
        var asked = Step(SupervisionMachine.Enqueue(delayed, new OperatorRequest(1, CommandKind.Start)), Seconds(1), Stopped);

        Assert.Equal((null, null), (adopted.State.Running, adopted.State.StartDue));
        Assert.Equal((OperationKind.Start, OperationPurpose.Request), (asked.State.Running?.Kind, asked.State.Running?.Purpose));
    }

    [Fact]
    public void The_machines_uptime_moves_with_the_agents_clock()
    {
        var uptime = new MachineUptime(_time, atStart: Seconds(30));

        _time.Advance(Seconds(45));

        Assert.Equal(Seconds(75), uptime.Now);
    }

    [Fact]
    public async Task A_supervised_service_is_first_started_once_the_machine_has_been_up_for_its_delay()
    {
        var manager = new StartCountingManager();
        var definition = new ManagedServiceDefinition { Name = "web", Kind = ServiceKinds.Process, Executable = "web", StartDelay = Seconds(120) };
        await using var service = new SupervisedService(
            definition,
            new SourcedDefinition(definition, "test"),
            RestartPolicy.Resolve(null, definition.Restart),
            manager,
            new AgentEvents(_outbox, NullLogger<AgentEvents>.Instance),
            _http,
            new NoRoles(),
            _time,
            NullLogger.Instance,
            machineUptime: new MachineUptime(_time, atStart: Seconds(30)).Now);
        service.Start();
        await service.WaitForReportAsync(r => r.Reason.StartsWith("delayed start", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var looked = manager.Observations;
        _time.Advance(Seconds(89));
        await Eventually.HoldsAsync(
            () =>
            {
                // The step may have computed its wait after the clock moved: a nudge makes it look now.
                service.Nudge();
                return manager.Observations > looked;
            },
            "the supervision looks again before the delay is over");
        var startsBefore = manager.Starts;
        _time.Advance(Seconds(1));
        await Eventually.HoldsAsync(
            () =>
            {
                // A step that computed its wait just before the clock moved would sleep a fake second past it.
                service.Nudge();
                return manager.Starts == 1;
            },
            "the service is started once the delay is over");

        Assert.Equal(0, startsBefore);
    }

    private static SupervisionStep Step(SupervisionState state, TimeSpan now, ServiceObservation observation) =>
        SupervisionMachine.Step(Settings, state, new SupervisionInputs { Now = now, Observation = observation, Permission = RoleAllowance.Unrestricted });

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>A service that is stopped until it is started, counting both.</summary>
    private sealed class StartCountingManager : IServiceManager
    {
        private int _starts;
        private int _observations;

        public int Starts => Volatile.Read(ref _starts);

        public int Observations => Volatile.Read(ref _observations);

        public int? ProcessId => Starts > 0 ? 7 : null;

        public ServiceObservation Observe()
        {
            Interlocked.Increment(ref _observations);
            return Starts > 0 ? Running : Stopped;
        }

        public Task WaitForExitAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _starts);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PauseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ContinueAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task KillAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
