using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Supervision.ProcessServices;

/// <summary>PreStart, PostStart and PostStop around real processes (sh), as the agent runs them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LifecycleHooksTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly List<(AgentEventKind Kind, string Message)> _events = [];

    public void Dispose()
    {
        StrayProcesses.KillMentioning(_folder.Path);
        _folder.Dispose();
    }

    [Fact]
    public async Task PreStart_runs_before_the_launch_with_the_service_environment_and_its_output_goes_to_prestart_log()
    {
        var definition = Service("if [ -f \"$1\" ]; then echo saw prestart; fi; exec sleep 30", _folder.File("prepared")) with
        {
            Environment = new() { ["GREETING"] = "hello" },
            PreStart = Hook($"echo \"$VIGIL_HOOK of $VIGIL_SERVICE says $GREETING\"; touch '{_folder.File("prepared")}'"),
        };
        await using var manager = Manager(definition);

        await manager.StartAsync(TestContext.Current.CancellationToken);

        await Eventually.HoldsAsync(() => File.ReadAllText(Folders.StandardOutputLog) == "saw prestart\n", "the service saw what PreStart prepared");
        var log = File.ReadAllLines(Folders.HookLog("PreStart"));
        Assert.Equal("PreStart of app says hello", log[1]);
        Assert.EndsWith("PreStart exited with code 0", log[2], StringComparison.Ordinal);
        await manager.KillAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_PreStart_that_fails_fails_the_start_naming_the_hook_and_nothing_is_launched()
    {
        await using var manager = Manager(Service("exec sleep 30") with { PreStart = Hook("echo not ready; exit 3") });

        var error = await Assert.ThrowsAsync<ServiceOperationException>(() => manager.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal("PreStart", error.Key);
        Assert.StartsWith("PreStart hook '/bin/sh' exited with code 3 (its output is in ", error.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceState.Stopped, manager.Observe().State);
        Assert.Contains("not ready", File.ReadAllText(Folders.HookLog("PreStart")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PreStart_that_hangs_is_killed_with_its_children_at_its_timeout_and_fails_the_start()
    {
        var child = _folder.File("child.pid");
        var hook = Hook($"sleep 30 & echo $! > '{child}'; exec sleep 30") with { Timeout = TimeSpan.FromMilliseconds(500) };
        await using var manager = Manager(Service("exec sleep 30") with { PreStart = hook });

        var error = await Assert.ThrowsAsync<ServiceOperationException>(() => manager.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("did not finish within 00:00:00.5000000; its process tree was killed", error.Message, StringComparison.Ordinal);
        var childPid = int.Parse(File.ReadAllText(child).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.HoldsAsync(() => !Alive(childPid), "the hook's child is gone too");
        Assert.Equal(ServiceState.Stopped, manager.Observe().State);
    }

    [Fact]
    public async Task PostStart_runs_beside_the_launched_service_and_a_failure_is_reported_while_the_service_runs_on()
    {
        var seen = _folder.File("seen.pid");
        await using var manager = Manager(Service("exec sleep 30") with { PostStart = Hook($"echo $VIGIL_PROCESS_ID > '{seen}'; exit 5") });

        await manager.StartAsync(TestContext.Current.CancellationToken);
        var pid = manager.Observe().ProcessId;

        await Eventually.HoldsAsync(() => Events().Count > 0, "the PostStart failure is reported");
        Assert.Equal($"{pid}\n", File.ReadAllText(seen));
        var (kind, message) = Assert.Single(Events());
        Assert.Equal(AgentEventKind.ServiceStarted, kind);
        Assert.StartsWith("PostStart hook failed: PostStart hook '/bin/sh' exited with code 5", message, StringComparison.Ordinal);
        Assert.Equal(ServiceState.Running, manager.Observe().State);
        await manager.KillAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_stop_returns_once_PostStop_has_run_with_the_exit_code()
    {
        var after = _folder.File("after");
        await using var manager = Manager(Service("trap 'kill $!; exit 4' TERM; sleep 30 & wait") with { PostStop = Hook($"echo stopped with $VIGIL_EXIT_CODE > '{after}'") });
        await manager.StartAsync(TestContext.Current.CancellationToken);
        var pid = manager.Observe().ProcessId!.Value;
        await Eventually.HoldsAsync(() => HasChild(pid), "the service waits with its trap set");

        await manager.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal("stopped with 4\n", File.ReadAllText(after));
        Assert.Empty(Events());
    }

    [Fact]
    public async Task PostStop_runs_after_an_exit_nobody_asked_for_and_the_next_start_waits_for_it()
    {
        var order = _folder.File("order");
        await using var manager = Manager(Service($"echo run >> '{order}'; exit 2") with
        {
            PreStart = Hook($"echo pre >> '{order}'"),
            PostStop = Hook($"sleep 0.3; echo post $VIGIL_EXIT_CODE >> '{order}'; exit 1"),
        });

        await manager.StartAsync(TestContext.Current.CancellationToken);
        await manager.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await manager.StartAsync(TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(() => Events().Count == 2, "both PostStop failures are reported");

        Assert.Equal(["pre", "run", "post 2", "pre", "run", "post 2"], File.ReadAllLines(order));
        Assert.All(Events(), e => Assert.Equal((AgentEventKind.ServiceStopped, true), (e.Kind, e.Message.StartsWith("PostStop hook failed: PostStop hook '/bin/sh' exited with code 1", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task A_hook_whose_executable_is_missing_fails_the_start_with_the_key_to_fix()
    {
        await using var manager = Manager(Service("exec sleep 30") with { PreStart = new LifecycleHook { Executable = "/nonexistent/prepare" } });

        var error = await Assert.ThrowsAsync<ServiceOperationException>(() => manager.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(("PreStart:Executable", "the PreStart hook's executable '/nonexistent/prepare' does not exist (or is not on the PATH)"), (error.Key, error.Message));
    }

    private ServiceFolders Folders => ServiceFolders.For(_folder.Path, "app", null);

    private List<(AgentEventKind Kind, string Message)> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

    [Fact]
    public async Task Hooks_run_under_the_services_run_as_account_as_the_service_does()
    {
        var runAs = new RunAsAccount { User = @"CONTOSO\svc-web", Password = "dpapi:AQAAAA" };
        var launcher = new AccountRecordingLauncher();
        var definition = Service("exec sleep 30") with { RunAs = runAs, PreStart = Hook("exit 0"), PostStop = Hook("exit 0") };
        await using var manager = Manager(definition, launcher);

        await manager.StartAsync(TestContext.Current.CancellationToken);
        await manager.StopAsync(TestContext.Current.CancellationToken);

        await Eventually.HoldsAsync(() => launcher.Accounts.Count == 3, "PreStart, the service and PostStop were launched");
        Assert.All(launcher.Accounts, account => Assert.Same(runAs, account));
    }

    private ProcessServiceManager Manager(ManagedServiceDefinition definition, IProcessLauncher? launcher = null) =>
        new(definition, Folders, launcher ?? new UnixProcessLauncher(), TimeProvider.System, NullLogger.Instance, record: (kind, message) =>
        {
            lock (_events)
            {
                _events.Add((kind, message));
            }
        });

    private ManagedServiceDefinition Service(string script, params string[] arguments) => new()
    {
        Name = "app",
        Kind = ServiceKinds.Process,
        Executable = "/bin/sh",
        Arguments = ["-c", script, "sh", .. arguments],
        WorkingDirectory = _folder.Path,
        StopTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>
    /// Notes the account each launch asks for, then starts it as the agent's own (an account logon needs
    /// Windows; the Windows launcher's logon is tested on its own).
    /// </summary>
    private sealed class AccountRecordingLauncher : IProcessLauncher
    {
        private readonly UnixProcessLauncher _inner = new();

        public List<RunAsAccount?> Accounts { get; } = [];

        public ReferenceSyntax References => _inner.References;

        public System.Diagnostics.Process Start(ProcessLaunch launch)
        {
            lock (Accounts)
            {
                Accounts.Add(launch.RunAs);
            }

            return _inner.Start(launch with { RunAs = null });
        }

        public bool RequestStop(int processId) => _inner.RequestStop(processId);

        public void KillTree(System.Diagnostics.Process process) => _inner.KillTree(process);

        public bool Suspend(int processId, bool suspend) => _inner.Suspend(processId, suspend);
    }

    private static LifecycleHook Hook(string script) => new() { Executable = "/bin/sh", Arguments = ["-c", script] };

    private static bool HasChild(int pid) =>
        File.Exists($"/proc/{pid}/task/{pid}/children") && File.ReadAllText($"/proc/{pid}/task/{pid}/children").Trim().Length > 0;

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
