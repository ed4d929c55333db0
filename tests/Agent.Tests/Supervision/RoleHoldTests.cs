using System.Diagnostics;
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
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Supervision;

/// <summary>
/// A member of a failover group runs only as its role allows, and operator commands hold it: real
/// processes (sh, sleep) under a role gate the test switches, and a fake manager whose stop hangs.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RoleHoldTests : IAsyncLifetime
{
    /// <summary>Well below the 2 s poll interval of a process service: only a nudge or a review gets there this fast.</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(1.5);
    private static readonly Guid Orders = Guid.Parse("7a0c3b9e-2d4f-4e61-8b15-9f2a6c4d8e03");
    private readonly TemporaryFolder _folder = new();
    private readonly EventOutbox _outbox;
    private readonly AgentEvents _events;
    private readonly HttpClient _http = new();
    private readonly SwitchableRoleGate _roles = new();
    private readonly List<(SupervisedService Service, IServiceManager Manager, Task Starting)> _supervised = [];

    public RoleHoldTests()
    {
        _outbox = new EventOutbox(_folder.Path, TimeProvider.System, NullLogger<EventOutbox>.Instance);
        _events = new AgentEvents(_outbox, NullLogger<AgentEvents>.Instance);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var (service, manager, starting) in _supervised)
        {
            (manager as HangingStopManager)?.Release();
            await service.StopSupervisingAsync(stopService: false, "the test is over", CancellationToken.None);
            await starting.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            await service.StopSupervisingAsync(stopService: manager is ProcessServiceManager, "the test is over", CancellationToken.None);
            await service.DisposeAsync();
        }

        _http.Dispose();
        _outbox.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_standby_is_not_started_and_its_report_says_why()
    {
        var service = Supervise(Standby);

        var report = await ReportAsync(service, r => r.Health == ServiceHealth.Stopped, "the standby is reported stopped");
        await LooksAgainAsync(service);

        Assert.Equal((ServiceState.Stopped, "standby in group orders (epoch 3)"), (report.State, report.Reason));
        Assert.Equal(ServiceState.Stopped, service.Report().State);
        Assert.DoesNotContain(Recorded(), e => e.Kind == AgentEventKind.ServiceStarted);
    }

    [Fact]
    public async Task An_active_waiting_for_its_lease_is_not_started_and_its_report_says_why()
    {
        var service = Supervise(WaitingForLease);

        var report = await ReportAsync(service, r => r.Health == ServiceHealth.Stopped, "the active without a lease is reported stopped");
        await LooksAgainAsync(service);

        Assert.Equal("active in group orders (epoch 3), waiting for a lease from the control plane", report.Reason);
        Assert.DoesNotContain(Recorded(), e => e.Kind == AgentEventKind.ServiceStarted);
    }

    [Fact]
    public async Task A_held_service_starts_promptly_once_its_role_allows_it()
    {
        var service = Supervise(WaitingForLease);
        await ReportAsync(service, r => r.Health == ServiceHealth.Stopped, "the active without a lease is reported stopped");
        var elapsed = Stopwatch.StartNew();

        _roles.Allow(Leased());

        var report = await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs under its lease", Promptly);
        Assert.InRange(elapsed.Elapsed, TimeSpan.Zero, Promptly);
        Assert.NotNull(report.ProcessId);
        await AssertStartedOnceAsync();
    }

    [Fact]
    public async Task Supervision_of_a_service_its_role_holds_starts_without_keeping_the_caller()
    {
        Supervise(Standby);

        // The supervisor calls Start under its lock while it applies a configuration.
        await _supervised[^1].Starting.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
    }

    [Fact]
    public async Task A_held_service_waits_for_a_change_instead_of_looking_again_and_again()
    {
        var service = Supervise(Standby);
        await ReportAsync(service, r => r.State == ServiceState.Stopped, "the standby is reported stopped");
        var asked = _roles.Asked;

        // Nothing can be awaited for "nothing happens": a window of half the poll interval.
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);

        Assert.InRange(_roles.Asked - asked, 0, 5);
    }

    [Fact]
    public async Task A_service_stopped_for_its_role_waits_for_a_change_instead_of_looking_again_and_again()
    {
        var service = Supervise(Leased());
        await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs");
        _roles.Allow(Standby);
        await ReportAsync(service, r => r.State == ServiceState.Stopped, "the standby is stopped");
        var asked = _roles.Asked;

        // Nothing can be awaited for "nothing happens": a window of half the poll interval.
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);

        Assert.InRange(_roles.Asked - asked, 0, 5);
    }

    [Fact]
    public async Task An_active_that_becomes_a_standby_is_stopped_and_stays_stopped()
    {
        var service = Supervise(Leased());
        var running = await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs");

        _roles.Allow(Standby);

        var report = await ReportAsync(service, r => r.State == ServiceState.Stopped, "the standby is stopped", Promptly);
        await LooksAgainAsync(service);
        Assert.Equal((ServiceHealth.Stopped, "standby in group orders (epoch 3)"), (report.Health, report.Reason));
        Assert.False(Alive(running.ProcessId!.Value));
        Assert.Equal(ServiceState.Stopped, service.Report().State);
        Assert.Contains(Recorded(), e => e.Kind == AgentEventKind.ServiceStopped && e.Message == "stopped: standby in group orders (epoch 3)");
        await AssertStartedOnceAsync();
    }

    [Fact]
    public async Task A_fenced_active_that_ignores_the_stop_request_is_killed_after_about_half_a_second()
    {
        var definition = Sleeper("trap '' TERM; while true; do sleep 1; done") with { StopTimeout = TimeSpan.FromSeconds(20) };
        var service = Supervise(Leased(), definition: definition);
        var running = await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs");
        await Eventually.HoldsAsync(() => IgnoresTerm(running.ProcessId!.Value), "the service ignores SIGTERM");
        var elapsed = Stopwatch.StartNew();

        _roles.Allow(Fenced);

        var report = await ReportAsync(service, r => r.State == ServiceState.Stopped, "the fenced service is stopped", TimeSpan.FromSeconds(5));
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(3));
        Assert.Equal((ServiceHealth.Stopped, Fenced.Reason), (report.Health, report.Reason));
        Assert.False(Alive(running.ProcessId!.Value));
        Assert.Contains(Recorded(), e => e.Kind == AgentEventKind.ServiceExited && e.Message == $"did not stop in time ({Fenced.Reason}); ending its processes");
        await Eventually.HoldsAsync(() => Recorded().Any(e => e.Kind == AgentEventKind.ServiceStopped && e.Message == $"stopped: {Fenced.Reason}"), "the end of the kill is recorded");
    }

    /// <summary>A stop that never completes must not keep a fenced service up: the fence allowance is the supervisor's, not the manager's.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_fenced_active_whose_stop_never_completes_is_killed(bool stopHonoursCancellation)
    {
        var manager = new HangingStopManager(stopHonoursCancellation);
        var service = Supervise(Leased(), manager);
        await ReportAsync(service, r => r.State == ServiceState.Running, "the service is adopted running");
        var elapsed = Stopwatch.StartNew();

        _roles.Allow(Fenced);

        await Eventually.HoldsAsync(() => manager.Kills > 0, "the fenced service is killed", TimeSpan.FromSeconds(5));
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(3));
        Assert.Equal(1, manager.Stops);
        var report = await ReportAsync(service, r => r.State == ServiceState.Stopped, "the fenced service is reported stopped");
        Assert.Equal(Fenced.Reason, report.Reason);
    }

    [Fact]
    public async Task A_standby_found_running_is_stopped()
    {
        var manager = new HangingStopManager(stopHonoursCancellation: true);
        manager.Release();

        var service = Supervise(Standby, manager);

        await ReportAsync(service, r => r.State == ServiceState.Stopped, "the standby is stopped");
        Assert.Equal((1, 0), (manager.Stops, manager.Kills));
    }

    [Fact]
    public async Task A_lapsed_lease_under_KeepRunning_leaves_the_service_running_but_does_not_start_it_again()
    {
        var service = Supervise(Leased());
        var running = await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs");

        _roles.Allow(LapsedKeepRunning);
        await LooksAgainAsync(service);

        Assert.Equal((ServiceState.Running, running.ProcessId), (service.Report().State, service.Report().ProcessId));
        KillProcess(running.ProcessId!.Value);
        var report = await ReportAsync(service, r => r.State == ServiceState.Stopped, "the exit is noticed");
        await LooksAgainAsync(service);
        await LooksAgainAsync(service);
        Assert.Equal(ServiceState.Stopped, service.Report().State);
        Assert.Equal(LapsedKeepRunning.Reason, report.Reason);
        await AssertStartedOnceAsync();
    }

    [Fact]
    public async Task A_lease_that_ends_without_a_word_is_looked_at_when_the_allowance_said_to()
    {
        var service = Supervise(Leased(reviewIn: TimeSpan.FromMilliseconds(300)));
        await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs");
        var asked = _roles.Asked;
        await Eventually.HoldsAsync(() => _roles.Asked > asked, "the loop looked at the role");
        var elapsed = Stopwatch.StartNew();

        // As a lease ends on its own: no Changed, no nudge.
        _roles.AllowSilently(Fenced);

        await ReportAsync(service, r => r.State == ServiceState.Stopped, "the fenced service is stopped", Promptly);
        Assert.InRange(elapsed.Elapsed, TimeSpan.Zero, Promptly);
    }

    [Fact]
    public async Task An_operator_stop_holds_the_service_stopped_until_an_operator_starts_it()
    {
        var service = Supervise(Leased());
        await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs");

        var stopped = await service.ControlAsync(CommandKind.Stop, Cancellation);

        Assert.Equal("stopped; held stopped until an operator starts it", stopped);
        var report = await ReportAsync(service, r => r.State == ServiceState.Stopped, "the service is reported stopped");
        Assert.Equal((ServiceHealth.Stopped, "stopped by an operator"), (report.Health, report.Reason));
        _roles.Allow(Leased());
        await LooksAgainAsync(service);
        Assert.Equal(ServiceState.Stopped, service.Report().State);
        await AssertStartedOnceAsync();

        var started = await service.ControlAsync(CommandKind.Start, Cancellation);

        Assert.StartsWith("started, pid ", started, StringComparison.Ordinal);
        Assert.Equal(ServiceState.Running, (await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs again")).State);
    }

    [Fact]
    public async Task An_operator_stop_of_a_stopped_service_holds_it_too()
    {
        var service = Supervise(Standby);
        await ReportAsync(service, r => r.State == ServiceState.Stopped, "the standby is reported stopped");

        var stopped = await service.ControlAsync(CommandKind.Stop, Cancellation);
        _roles.Allow(Leased());
        await LooksAgainAsync(service);

        Assert.Equal("already stopped; held stopped until an operator starts it", stopped);
        Assert.Equal((ServiceState.Stopped, "stopped by an operator"), (service.Report().State, service.Report().Reason));
        Assert.DoesNotContain(Recorded(), e => e.Kind == AgentEventKind.ServiceStarted);
    }

    [Theory]
    [InlineData(CommandKind.Start)]
    [InlineData(CommandKind.Restart)]
    public async Task An_operator_start_is_refused_while_the_role_forbids_starting(CommandKind kind)
    {
        var service = Supervise(Standby);
        await ReportAsync(service, r => r.State == ServiceState.Stopped, "the standby is reported stopped");

        var refused = await Assert.ThrowsAsync<ServiceOperationException>(() => service.ControlAsync(kind, Cancellation));

        Assert.Equal("cannot start web: standby in group orders (epoch 3); move the active role with a switchover instead", refused.Message);
        await LooksAgainAsync(service);
        Assert.Equal(ServiceState.Stopped, service.Report().State);
        Assert.DoesNotContain(Recorded(), e => e.Kind == AgentEventKind.ServiceStarted);
    }

    [Fact]
    public async Task A_killed_service_is_failed_for_good_and_not_started_again()
    {
        var service = Supervise(Leased());
        var running = await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs");

        var killed = await service.ControlAsync(CommandKind.Kill, Cancellation);

        Assert.Equal("killed", killed);
        var report = await ReportAsync(service, r => r.Health == ServiceHealth.Failed, "the killed service is reported failed");
        await LooksAgainAsync(service);
        await LooksAgainAsync(service);
        Assert.Equal((ServiceState.Stopped, "killed by a fault-injection drill; treated as failed for good"), (report.State, report.Reason));
        Assert.Equal((ServiceState.Stopped, ServiceHealth.Failed), (service.Report().State, service.Report().Health));
        Assert.False(Alive(running.ProcessId!.Value));
        await AssertStartedOnceAsync();
        Assert.Contains(Recorded(), e => e.Kind == AgentEventKind.ServiceGaveUp);
    }

    [Fact]
    public async Task A_killed_active_starts_over_once_it_has_been_a_standby()
    {
        var service = Supervise(Leased());
        await ReportAsync(service, r => r.State == ServiceState.Running, "the service runs");
        await service.ControlAsync(CommandKind.Kill, Cancellation);
        await ReportAsync(service, r => r.Health == ServiceHealth.Failed, "the killed service is reported failed");

        _roles.Allow(Standby);
        var standby = await ReportAsync(service, r => r.Health != ServiceHealth.Failed, "the standby is no longer failed");
        _roles.Allow(Leased());

        Assert.Equal((ServiceHealth.Stopped, "standby in group orders (epoch 3)"), (standby.Health, standby.Reason));
        await ReportAsync(service, r => r.State == ServiceState.Running, "the new active runs", Promptly);
    }

    [Fact]
    public async Task Waiting_for_a_report_completes_when_the_condition_becomes_true()
    {
        var service = Supervise(Standby);
        await ReportAsync(service, r => r.State == ServiceState.Stopped, "the standby is reported stopped");

        var waiting = service.WaitForReportAsync(r => r.State == ServiceState.Running, Cancellation);
        await LooksAgainAsync(service);
        Assert.False(waiting.IsCompleted);
        _roles.Allow(Leased());

        var report = await waiting.WaitAsync(Promptly, Cancellation);
        Assert.Equal(ServiceState.Running, report.State);
        Assert.NotNull(report.ProcessId);
    }

    [Fact]
    public async Task Waiting_for_a_report_that_already_holds_completes_at_once()
    {
        var service = Supervise(Standby);
        await ReportAsync(service, r => r.State == ServiceState.Stopped, "the standby is reported stopped");

        var waiting = service.WaitForReportAsync(r => r.State == ServiceState.Stopped, Cancellation);

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal("standby in group orders (epoch 3)", (await waiting).Reason);
    }

    [Fact]
    public async Task Waiting_for_a_report_ends_when_cancelled()
    {
        var service = Supervise(Standby);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var waiting = service.WaitForReportAsync(r => r.State == ServiceState.Running, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    // Allowances, as the role book gives them

    private static GroupRole Role(bool active) => new()
    {
        GroupId = Orders,
        GroupName = "orders",
        Service = "web",
        Epoch = 3,
        Active = active,
    };

    private static RoleAllowance Standby => new()
    {
        MayStart = false,
        MayKeepRunning = false,
        Role = Role(active: false),
        Reason = "standby in group orders (epoch 3)",
    };

    private static RoleAllowance WaitingForLease => new()
    {
        MayStart = false,
        MayKeepRunning = false,
        Role = Role(active: true),
        Reason = "active in group orders (epoch 3), waiting for a lease from the control plane",
    };

    private static RoleAllowance Leased(TimeSpan? reviewIn = null) => new()
    {
        MayStart = true,
        MayKeepRunning = true,
        Role = Role(active: true),
        ReviewIn = reviewIn ?? TimeSpan.FromMinutes(1),
    };

    private static RoleAllowance Fenced => new()
    {
        MayStart = false,
        MayKeepRunning = false,
        Fence = true,
        KillAfter = TimeSpan.FromMilliseconds(500),
        Role = Role(active: true),
        Reason = "fenced: the lease of group orders (epoch 3) lapsed without word from the control plane",
    };

    private static RoleAllowance LapsedKeepRunning => new()
    {
        MayStart = false,
        MayKeepRunning = true,
        Role = Role(active: true) with { Terms = new Shared.Roles.RoleTerms { Version = 1, Isolation = Shared.Roles.IsolationPolicy.KeepRunning } },
        Reason = "lease of group orders lapsed; kept running by the group's isolation policy",
    };

    // Supervision

    private static ManagedServiceDefinition Sleeper(string script = "exec sleep 30") => new()
    {
        Name = "web",
        Kind = ServiceKinds.Process,
        Executable = "/bin/sh",
        Arguments = ["-c", script],
        StopTimeout = TimeSpan.FromSeconds(5),
        Restart = new RestartSettings { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(100), Jitter = 0 },
    };

    private SupervisedService Supervise(RoleAllowance allowance, IServiceManager? manager = null, ManagedServiceDefinition? definition = null)
    {
        definition ??= Sleeper();
        manager ??= new ProcessServiceManager(definition, ServiceFolders.For(_folder.Path, definition.Name, null), new UnixProcessLauncher(), TimeProvider.System, NullLogger.Instance);
        _roles.AllowSilently(allowance);
        var service = new SupervisedService(
            definition,
            new SourcedDefinition(definition, "test"),
            RestartPolicy.Resolve(null, definition.Restart),
            manager,
            _events,
            _http,
            _roles,
            TimeProvider.System,
            NullLogger.Instance);

        // As the supervisor wires it.
        _roles.Changed += _ => service.Nudge();

        // Start runs the loop's first step on the caller's thread; here on a thread of its own, so
        // that a loop that never waits keeps that thread rather than the test's (see the test on it).
        _supervised.Add((service, manager, Task.Run(service.Start, CancellationToken.None)));
        return service;
    }

    private static async Task<ServiceReport> ReportAsync(SupervisedService service, Func<ServiceReport, bool> condition, string what, TimeSpan? within = null)
    {
        var timeout = within ?? Eventually.DefaultTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            return await service.WaitForReportAsync(condition, deadline.Token);
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what}; the last report: {service.Report()}");
        }
    }

    /// <summary>Nudges the loop twice and waits until it has asked for the role after each: whatever it was going to do, it has done.</summary>
    private async Task LooksAgainAsync(SupervisedService service)
    {
        for (var i = 0; i < 2; i++)
        {
            var asked = _roles.Asked;
            service.Nudge();
            await Eventually.HoldsAsync(() => _roles.Asked > asked, "the supervision loop looked at the role again");
        }
    }

    private List<AgentEvent> Recorded() => [.. _outbox.Peek(1000)];

    /// <summary>The start's event is recorded just after the report says the service runs: waited for, then counted.</summary>
    private async Task AssertStartedOnceAsync()
    {
        await Eventually.HoldsAsync(() => Recorded().Any(e => e.Kind == AgentEventKind.ServiceStarted), "the start is recorded");
        Assert.Single(Recorded(), e => e.Kind == AgentEventKind.ServiceStarted);
    }

    private static bool Alive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>/proc/&lt;pid&gt;/status: SigIgn is a hexadecimal mask of the ignored signals; SIGTERM (15) is bit 14.</summary>
    private static bool IgnoresTerm(int pid)
    {
        var ignored = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();
        return (ulong.Parse(ignored, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & (1UL << 14)) != 0;
    }

    private static void KillProcess(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    /// <summary>A role gate whose allowance the test sets; like the role keeper, it says when the allowance changed.</summary>
    private sealed class SwitchableRoleGate : IRoleGate
    {
        private RoleAllowance _allowance = RoleAllowance.Unrestricted;
        private int _asked;

        public event Action<string>? Changed;

        /// <summary>How many times supervision asked what the role allows.</summary>
        public int Asked => Volatile.Read(ref _asked);

        public RoleAllowance PermissionFor(string service)
        {
            Interlocked.Increment(ref _asked);
            return Volatile.Read(ref _allowance);
        }

        public void HealthChanged(string service)
        {
        }

        public void Allow(RoleAllowance allowance)
        {
            AllowSilently(allowance);
            Changed?.Invoke("web");
        }

        /// <summary>Changes the allowance without saying so, as a lease does when it ends.</summary>
        public void AllowSilently(RoleAllowance allowance) => Volatile.Write(ref _allowance, allowance);
    }

    /// <summary>Runs from the start; a stop never completes until released (nor ends on its cancellation unless it honours it); a kill works.</summary>
    private sealed class HangingStopManager(bool stopHonoursCancellation) : IServiceManager
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _running = true;
        private int _stops;
        private int _kills;

        public int Stops => Volatile.Read(ref _stops);

        public int Kills => Volatile.Read(ref _kills);

        public int? ProcessId => _running ? 4242 : null;

        public ServiceObservation Observe() => new() { State = _running ? ServiceState.Running : ServiceState.Stopped, ProcessId = ProcessId };

        public Task WaitForExitAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _running = true;
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _stops);
            await (stopHonoursCancellation ? _released.Task.WaitAsync(cancellationToken) : _released.Task);
            _running = false;
        }

        public Task PauseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ContinueAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task KillAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _kills);
            _running = false;
            return Task.CompletedTask;
        }

        /// <summary>Lets a hanging stop finish, so that supervision can end.</summary>
        public void Release() => _released.TrySetResult();

        public ValueTask DisposeAsync()
        {
            Release();
            return ValueTask.CompletedTask;
        }
    }
}
