using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Supervision.ProcessServices;

/// <summary>The process-kind manager with real processes (the test service program and sh).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ProcessServiceManagerTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose()
    {
        StrayProcesses.KillMentioning(_folder.Path);
        _folder.Dispose();
    }

    [Fact]
    public async Task A_started_service_runs_with_its_arguments_and_stops_gracefully()
    {
        var port = RepositoryLayout.FreePort();
        await using var manager = Manager(TestService(port));

        await manager.StartAsync(TestContext.Current.CancellationToken);
        var running = manager.Observe();
        await WaitUntilStartedAsync();
        await manager.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ServiceState.Running, running.State);
        var state = TestServiceProgram.ReadState(StateFile);
        Assert.Equal(["started", "stopped"], state.Select(s => s.What));
        Assert.Equal(running.ProcessId, state[0].ProcessId);
        var stopped = manager.Observe();
        Assert.Equal(ServiceState.Stopped, stopped.State);
        Assert.Equal(0, stopped.ExitCode);
    }

    [Fact]
    public async Task A_service_that_ignores_the_stop_request_is_killed_with_its_children_after_the_stop_timeout()
    {
        var definition = TestService(RepositoryLayout.FreePort(), "--ignore-stop", "--spawn-child") with { StopTimeout = TimeSpan.FromSeconds(1) };
        await using var manager = Manager(definition);
        await manager.StartAsync(TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(() => TestServiceProgram.ReadState(StateFile).Any(s => s.What == "child"), "the child process started");
        var child = TestServiceProgram.ReadState(StateFile).Single(s => s.What == "child").ProcessId;

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await manager.StopAsync(TestContext.Current.CancellationToken);

        Assert.InRange(stopping.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal(ServiceState.Stopped, manager.Observe().State);
        Assert.DoesNotContain(TestServiceProgram.ReadState(StateFile), s => s.What == "stopped");
        await Eventually.HoldsAsync(() => !Alive(child), "the child process is gone too");
    }

    [Fact]
    public async Task A_stop_that_times_out_ends_the_process_tree_the_way_the_launcher_knows()
    {
        var launcher = new TreeKillRecordingLauncher();
        var definition = Shell("trap '' TERM; exec sleep 30") with { StopTimeout = TimeSpan.FromMilliseconds(300) };
        await using var manager = new ProcessServiceManager(definition, Folders(definition.Name), launcher, TimeProvider.System, NullLogger.Instance);
        await manager.StartAsync(TestContext.Current.CancellationToken);
        var pid = manager.Observe().ProcessId!.Value;
        // Until the shell has become sleep, the trap may not be set yet and the stop request would end it.
        await Eventually.HoldsAsync(() => File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep", "the shell ignores TERM and became sleep");

        await manager.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal([pid], launcher.TreesKilled);
        Assert.Equal(ServiceState.Stopped, manager.Observe().State);
    }

    [Fact]
    public async Task A_launched_process_keeps_its_pid_and_leads_a_session_of_its_own()
    {
        await using var manager = Manager(Shell("exec sleep 30"));

        await manager.StartAsync(TestContext.Current.CancellationToken);
        var pid = manager.Observe().ProcessId!.Value;
        await Eventually.HoldsAsync(() => File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep", "the launched command replaced the shell");

        // /proc/<pid>/stat: "pid (comm) state ppid pgrp session ...": the session id is the 6th field.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var session = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(pid, session);
        await manager.KillAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_process_gets_the_priority_and_the_processors_of_its_definition()
    {
        await using var manager = Manager(Shell("exec sleep 30") with { Priority = "BelowNormal", Affinity = [Environment.ProcessorCount - 1] });

        await manager.StartAsync(TestContext.Current.CancellationToken);
        var pid = manager.Observe().ProcessId!.Value;

        Assert.Equal((10, $"{Environment.ProcessorCount - 1}"), (NiceOf(pid), AllowedProcessorsOf(pid)));
        await manager.KillAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_priority_or_affinity_that_cannot_be_applied_leaves_the_process_running_as_it_is()
    {
        // Processor 63 is not on this machine: the kernel refuses the affinity.
        Assert.SkipWhen(Environment.ProcessorCount > 63, "Needs a machine without a processor 63.");
        await using var manager = Manager(Shell("exec sleep 30") with { Affinity = [63] });

        await manager.StartAsync(TestContext.Current.CancellationToken);
        var running = manager.Observe();

        Assert.Equal(ServiceState.Running, running.State);
        Assert.Equal(AllowedProcessorsOf(Environment.ProcessId), AllowedProcessorsOf(running.ProcessId!.Value));
        await manager.KillAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>/proc/&lt;pid&gt;/stat: the nice value is the 19th field.</summary>
    private static int NiceOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string AllowedProcessorsOf(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Single(line => line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();

    [Fact]
    public async Task The_exit_code_of_a_crash_is_observed()
    {
        await using var manager = Manager(Shell("exit 7"));

        await manager.StartAsync(TestContext.Current.CancellationToken);
        await manager.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var observation = manager.Observe();
        Assert.Equal((ServiceState.Stopped, 7, "exited with code 7"), (observation.State, observation.ExitCode, observation.Detail));
    }

    [Fact]
    public async Task A_restarted_agent_adopts_the_running_process_instead_of_starting_another()
    {
        var port = RepositoryLayout.FreePort();
        var first = Manager(TestService(port));
        await first.StartAsync(TestContext.Current.CancellationToken);
        var pid = first.Observe().ProcessId;
        await WaitUntilStartedAsync();
        await first.DisposeAsync();

        await using var second = Manager(TestService(port));
        var adopted = second.Observe();
        await second.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal((ServiceState.Running, pid), (adopted.State, adopted.ProcessId));
        Assert.Single(TestServiceProgram.ReadState(StateFile), s => s.What == "started");
        await second.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(ServiceState.Stopped, second.Observe().State);
        Assert.False(Alive(pid!.Value));
    }

    [Fact]
    public async Task A_record_of_a_process_that_ended_is_not_adopted()
    {
        var first = Manager(Shell("exit 0"));
        await first.StartAsync(TestContext.Current.CancellationToken);
        await first.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await first.DisposeAsync();

        await using var second = Manager(Shell("exit 0"));

        Assert.Equal(ServiceState.Stopped, second.Observe().State);
    }

    [Fact]
    public async Task Output_goes_to_the_service_log_files_with_arguments_passed_verbatim()
    {
        await using var manager = Manager(Shell("printf '%s|' \"$@\"; echo oops >&2", "a b", "$$HOME", "'quoted'", "*"));

        await manager.StartAsync(TestContext.Current.CancellationToken);
        await manager.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var folders = Folders("shell");
        Assert.Equal("a b|$HOME|'quoted'|*|", File.ReadAllText(folders.StandardOutputLog));
        Assert.Equal("oops\n", File.ReadAllText(folders.StandardErrorLog));
    }

    [Fact]
    public async Task References_to_variables_in_the_arguments_working_directory_and_environment_are_expanded_at_launch()
    {
        var definition = Shell("printf '%s|%s|%s|%s' \"$1\" \"$2\" \"$$GREETING\" \"$(pwd)\"", "${APP_DIR}/data", "$NOT_SET_ANYWHERE") with
        {
            WorkingDirectory = "$APP_DIR",
            Environment = new() { ["GREETING"] = "hello $USER_HOME from $APP_DIR", ["APP_DIR"] = _folder.Path, ["USER_HOME"] = "$HOME" },
        };
        await using var manager = Manager(definition);

        await manager.StartAsync(TestContext.Current.CancellationToken);
        await manager.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var home = Environment.GetEnvironmentVariable("HOME");
        Assert.Equal($"{_folder.Path}/data|$NOT_SET_ANYWHERE|hello {home} from {_folder.Path}|{_folder.Path}", File.ReadAllText(Folders("shell").StandardOutputLog));
    }

    [Fact]
    public async Task A_missing_executable_is_reported_with_the_key_to_fix()
    {
        await using var manager = Manager(new ManagedServiceDefinition { Name = "ghost", Kind = ServiceKinds.Process, Executable = "/nonexistent/app" });

        var error = await Assert.ThrowsAsync<ServiceOperationException>(() => manager.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal("Executable", error.Key);
        Assert.Contains("'/nonexistent/app' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal(ServiceState.Stopped, manager.Observe().State);
    }

    [Fact]
    public async Task Pause_and_continue_suspend_and_resume_the_process()
    {
        await using var manager = Manager(Shell("exec sleep 30"));
        await manager.StartAsync(TestContext.Current.CancellationToken);

        await manager.PauseAsync(TestContext.Current.CancellationToken);
        var paused = manager.Observe().State;
        await manager.ContinueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ServiceState.Paused, paused);
        Assert.Equal(ServiceState.Running, manager.Observe().State);
        await manager.KillAsync(TestContext.Current.CancellationToken);
    }

    private string StateFile => _folder.File("service.state");

    private ServiceFolders Folders(string name) => ServiceFolders.For(_folder.Path, name, null);

    private ProcessServiceManager Manager(ManagedServiceDefinition definition) =>
        new(definition, Folders(definition.Name), new UnixProcessLauncher(), TimeProvider.System, NullLogger.Instance);

    private ManagedServiceDefinition TestService(int port, params string[] extra) => new()
    {
        Name = "web",
        Kind = ServiceKinds.Process,
        Executable = "dotnet",
        Arguments = [TestServiceProgram.Dll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--state-file", StateFile, "--name", _folder.Path, .. extra],
        StopTimeout = TimeSpan.FromSeconds(10),
    };

    private static ManagedServiceDefinition Shell(string script, params string[] arguments) => new()
    {
        Name = "shell",
        Kind = ServiceKinds.Process,
        Executable = "/bin/sh",
        Arguments = ["-c", script, "sh", .. arguments],
    };

    private Task WaitUntilStartedAsync() =>
        Eventually.HoldsAsync(() => TestServiceProgram.ReadState(StateFile).Any(s => s.What == "started"), "the test service started");

    /// <summary>The Unix launcher, noting the processes whose tree it was asked to kill (on Windows, a job object ends the tree).</summary>
    private sealed class TreeKillRecordingLauncher : IProcessLauncher
    {
        private readonly UnixProcessLauncher _inner = new();

        public List<int> TreesKilled { get; } = [];

        public ReferenceSyntax References => _inner.References;

        public System.Diagnostics.Process Start(ProcessLaunch launch) => _inner.Start(launch);

        public bool RequestStop(int processId) => _inner.RequestStop(processId);

        public void KillTree(System.Diagnostics.Process process)
        {
            TreesKilled.Add(process.Id);
            _inner.KillTree(process);
        }

        public bool Suspend(int processId, bool suspend) => _inner.Suspend(processId, suspend);
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
