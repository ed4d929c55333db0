using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Supervision;

/// <summary>
/// An operator's restart of the active member of a failover group, through the real role keeper
/// and a real process: it succeeds under the lease, waits for a lease that is on its way (the first
/// renewal after the agent started or the role was given), and never starts the service without one.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ActiveMemberRestartTests : IAsyncLifetime
{
    private static readonly Guid Orders = Guid.Parse("3c5e1f0a-6b2d-4c8e-9a71-0d4f2b6e8c15");
    private static readonly RoleTerms Terms = new() { Version = 1 };
    private readonly TemporaryFolder _folder = new();
    private readonly EventOutbox _outbox;
    private readonly AgentEvents _events;
    private readonly HttpClient _http = new();
    private readonly List<SupervisedService> _supervised = [];

    public ActiveMemberRestartTests()
    {
        _outbox = new EventOutbox(_folder.Path, TimeProvider.System, NullLogger<EventOutbox>.Instance);
        _events = new AgentEvents(_outbox, NullLogger<AgentEvents>.Instance);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _supervised)
        {
            await service.StopSupervisingAsync(stopService: true, "the test is over", CancellationToken.None);
            await service.DisposeAsync();
        }

        _http.Dispose();
        _outbox.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_restart_of_the_active_member_holding_its_lease_succeeds_with_a_new_process()
    {
        var roles = Keeper();
        Assert.Null(roles.Apply(CommandKind.Activate, Grant, "web"));
        Renew(roles);
        var (service, _) = Supervise(roles);
        var before = await ReportAsync(service, r => r.State == ServiceState.Running, "the active member runs under its lease");

        var answer = await service.ControlAsync(CommandKind.Restart, Cancellation);

        var after = await ReportAsync(service, r => r.State == ServiceState.Running, "the active member runs again");
        Assert.Equal($"started, pid {after.ProcessId}", answer);
        Assert.NotEqual(before.ProcessId, after.ProcessId);
    }

    [Fact]
    public async Task A_restart_that_arrives_before_the_first_lease_of_the_agents_run_waits_for_it_and_succeeds()
    {
        // The role was kept on disk by the agent's previous run; leases never are.
        Assert.Null(Keeper().Apply(CommandKind.Activate, Grant, "web"));
        var roles = Keeper();
        var (service, gate) = Supervise(roles);
        var held = await ReportAsync(service, r => r.Health == ServiceHealth.Stopped, "the active member waits for its lease");
        Assert.Equal("active in group orders (epoch 3), waiting for a lease from the control plane", held.Reason);

        // Commands pending for a node are delivered as soon as it registers, before its first heartbeat is answered.
        var restart = service.ControlAsync(CommandKind.Restart, Cancellation);
        await gate.LooksAgainAsync(service);
        if (restart.IsCompleted)
        {
            Assert.Fail($"the restart ended before the lease came: {await Outcome(restart)}");
        }

        Assert.Equal(ServiceState.Stopped, service.Report().State);

        Renew(roles);

        var answer = await restart.WaitAsync(Eventually.DefaultTimeout, Cancellation);
        var running = await ReportAsync(service, r => r.State == ServiceState.Running, "the active member runs under its lease");
        Assert.Equal($"started, pid {running.ProcessId}", answer);
        Assert.Single(Recorded(), e => e.Kind == AgentEventKind.ServiceStarted);
    }

    [Fact]
    public async Task A_restart_withdrawn_while_it_waits_for_the_lease_is_not_carried_out_when_the_lease_comes()
    {
        Assert.Null(Keeper().Apply(CommandKind.Activate, Grant, "web"));
        var roles = Keeper();
        var (service, gate) = Supervise(roles);
        await ReportAsync(service, r => r.Health == ServiceHealth.Stopped, "the active member waits for its lease");
        Assert.Equal("already stopped; held stopped until an operator starts it", await service.ControlAsync(CommandKind.Stop, Cancellation));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        // The command's deadline passes before the lease comes.
        var restart = service.ControlAsync(CommandKind.Restart, deadline.Token);
        await gate.LooksAgainAsync(service);
        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => restart);
        await gate.LooksAgainAsync(service);

        Renew(roles);
        await gate.LooksAgainAsync(service);

        Assert.Equal((ServiceState.Stopped, "stopped by an operator"), (service.Report().State, service.Report().Reason));
        Assert.DoesNotContain(Recorded(), e => e.Kind == AgentEventKind.ServiceStarted);
    }

    [Fact]
    public async Task A_restart_waiting_for_its_lease_fails_with_the_reason_when_the_member_becomes_a_standby_and_starts_nothing()
    {
        Assert.Null(Keeper().Apply(CommandKind.Activate, Grant, "web"));
        var roles = Keeper();
        var (service, gate) = Supervise(roles);
        await ReportAsync(service, r => r.Health == ServiceHealth.Stopped, "the active member waits for its lease");
        var restart = service.ControlAsync(CommandKind.Restart, Cancellation);
        await gate.LooksAgainAsync(service);

        Assert.Null(roles.Apply(CommandKind.Deactivate, Grant with { Epoch = 4 }, "web"));

        var refused = await Assert.ThrowsAsync<ServiceOperationException>(() => restart.WaitAsync(Eventually.DefaultTimeout, Cancellation));
        Assert.Equal("cannot start web: standby in group orders (epoch 4); move the active role with a switchover instead", refused.Message);
        await gate.LooksAgainAsync(service);
        Assert.Equal(ServiceState.Stopped, service.Report().State);
        Assert.DoesNotContain(Recorded(), e => e.Kind == AgentEventKind.ServiceStarted);
    }

    private static RoleGrant Grant => new() { GroupId = Orders, GroupName = "orders", Epoch = 3, LeaseMs = 60_000, Terms = Terms };

    private static void Renew(RoleKeeper roles) =>
        roles.Renew([new LeaseRenewal { GroupId = Orders, Epoch = 3, LeaseMs = 60_000, Terms = Terms }], roles.Now);

    private RoleKeeper Keeper() => new(_folder.Path, _events, TimeProvider.System, NullLogger<RoleKeeper>.Instance);

    private (SupervisedService Service, CountingGate Gate) Supervise(RoleKeeper roles)
    {
        var definition = new ManagedServiceDefinition
        {
            Name = "web",
            Kind = ServiceKinds.Process,
            Executable = "/bin/sh",
            Arguments = ["-c", "exec sleep 30"],
            StopTimeout = TimeSpan.FromSeconds(5),
            Restart = new RestartSettings { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(100), Jitter = 0 },
        };
        var manager = new ProcessServiceManager(definition, ServiceFolders.For(_folder.Path, definition.Name, null), new UnixProcessLauncher(), TimeProvider.System, NullLogger.Instance);
        var gate = new CountingGate(roles);
        var service = new SupervisedService(
            definition, new SourcedDefinition(definition, "test"), RestartPolicy.Resolve(null, definition.Restart), manager, _events, _http, gate, TimeProvider.System, NullLogger.Instance);

        // As the supervisor wires it.
        roles.Changed += _ => service.Nudge();
        service.Start();
        _supervised.Add(service);
        return (service, gate);
    }

    private static async Task<ServiceReport> ReportAsync(SupervisedService service, Func<ServiceReport, bool> condition, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(Eventually.DefaultTimeout);
        try
        {
            return await service.WaitForReportAsync(condition, deadline.Token);
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out waiting until {what}; the last report: {service.Report()}");
        }
    }

    private static async Task<string> Outcome(Task<string> command)
    {
        try
        {
            return await command;
        }
        catch (ServiceOperationException exception)
        {
            return $"failed: {exception.Message}";
        }
    }

    private List<AgentEvent> Recorded() => [.. _outbox.Peek(1000)];

    /// <summary>The role keeper as supervision sees it, counting how often it was asked.</summary>
    private sealed class CountingGate(IRoleGate inner) : IRoleGate
    {
        private int _asked;

        public event Action<string>? Changed
        {
            add => inner.Changed += value;
            remove => inner.Changed -= value;
        }

        public RoleAllowance PermissionFor(string service)
        {
            Interlocked.Increment(ref _asked);
            return inner.PermissionFor(service);
        }

        public void HealthChanged(string service) => inner.HealthChanged(service);

        /// <summary>Nudges the loop twice and waits until it has asked for the role after each: whatever it was going to do, it has done.</summary>
        public async Task LooksAgainAsync(SupervisedService service)
        {
            for (var i = 0; i < 2; i++)
            {
                var asked = Volatile.Read(ref _asked);
                service.Nudge();
                await Eventually.HoldsAsync(() => Volatile.Read(ref _asked) > asked, "the supervision loop looked at the role again");
            }
        }
    }
}
