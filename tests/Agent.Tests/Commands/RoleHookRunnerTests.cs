using System.Diagnostics;
using System.Globalization;
using Vigil.Agent.Commands;
using Vigil.Shared.Roles;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Commands;

/// <summary>Activation and deactivation hooks run as real processes (sh).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RoleHookRunnerTests : IDisposable
{
    private static readonly TimeSpan Ample = TimeSpan.FromSeconds(30);
    private static readonly Guid Orders = Guid.Parse("3d5c1e2a-7b44-4f0e-9a61-5c2b8d0e4f17");
    private readonly TemporaryFolder _folder = new();
    private readonly RoleHookRunner _runner = new(TimeProvider.System);

    public void Dispose()
    {
        foreach (var pid in ReadPids().Where(IsOurs))
        {
            KillQuietly(pid);
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task A_service_without_a_hook_succeeds_at_once()
    {
        Assert.Null(await RunAsync([]));
    }

    [Fact]
    public async Task A_hook_that_exits_with_code_zero_succeeds()
    {
        Assert.Null(await RunAsync(Shell("exit 0")));
    }

    [Fact]
    public async Task A_hook_that_fails_is_reported_with_its_exit_code_and_its_output()
    {
        var failure = await RunAsync(Shell("echo 'cannot mount /data'; echo 'volume busy' >&2; exit 3"));

        Assert.NotNull(failure);
        Assert.StartsWith("activate hook '/bin/sh' exited with code 3: ", failure, StringComparison.Ordinal);
        Assert.Contains("cannot mount /data", failure, StringComparison.Ordinal);
        Assert.Contains("volume busy", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_start_of_a_long_output_is_kept()
    {
        var failure = await RunAsync(Shell("echo first-line; i=0; while [ $i -lt 500 ]; do echo 'line of noise that goes on and on'; i=$((i+1)); done; echo last-line; exit 1"));

        Assert.NotNull(failure);
        Assert.Contains("exited with code 1: first-line", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("last-line", failure, StringComparison.Ordinal);
        Assert.InRange(failure.Length, 1024, 1024 + 200);
    }

    [Fact]
    public async Task A_hook_that_runs_beyond_its_timeout_is_killed_and_the_message_says_so()
    {
        var pidFile = _folder.File("hook.pid");
        var elapsed = Stopwatch.StartNew();

        var failure = await RunAsync(Shell("sleep 30 & echo $! > \"$1\"; echo $$ >> \"$1\"; wait", pidFile), timeout: TimeSpan.FromMilliseconds(500));

        Assert.Equal("activate hook '/bin/sh' did not finish within 00:00:00.5000000; killed", failure);
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
        var pids = ReadPids();
        Assert.Equal(2, pids.Count);
        await Eventually.HoldsAsync(() => !pids.Any(Alive), "the hook and its sleep are gone", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_hook_that_cannot_start_is_reported()
    {
        var failure = await RunAsync(["/nonexistent/hooks/activate.sh", "--now"]);

        Assert.NotNull(failure);
        Assert.StartsWith("activate hook '/nonexistent/hooks/activate.sh' could not start: ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hook_learns_its_role_group_epoch_and_service_from_its_environment()
    {
        var failure = await _runner.RunAsync(
            Shell("echo \"role=$VIGIL_ROLE group=$VIGIL_GROUP id=$VIGIL_GROUP_ID epoch=$VIGIL_EPOCH service=$VIGIL_SERVICE\"; exit 1"),
            "deactivate",
            Grant(7),
            "web",
            Ample,
            TestContext.Current.CancellationToken);

        Assert.Equal($"deactivate hook '/bin/sh' exited with code 1: role=deactivate group=orders id={Orders} epoch=7 service=web", failure);
    }

    [Fact]
    public async Task A_hook_can_check_the_epoch_it_runs_for()
    {
        string[] hook = ["/bin/sh", "-c", "test \"$VIGIL_EPOCH\" = 7"];

        Assert.Null(await RunAsync(hook, grant: Grant(7)));
        Assert.Equal("activate hook '/bin/sh' exited with code 1: ", await RunAsync(hook, grant: Grant(8)));
    }

    /// <summary>
    /// The command's own deadline (or the agent's stop) cancels the run: the hook must not be left
    /// behind doing its work after the agent has answered that the command failed.
    /// </summary>
    [Fact]
    public async Task A_cancelled_hook_is_killed_and_the_cancellation_passes_on()
    {
        var pidFile = _folder.File("hook.pid");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var running = _runner.RunAsync(Shell("echo $$ > \"$1\"; exec sleep 30", pidFile), "activate", Grant(7), "web", Ample, cancel.Token);
        await Eventually.HoldsAsync(() => ReadPids().Count == 1, "the hook started");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var pid = ReadPids().Single();
        await Eventually.HoldsAsync(() => !Alive(pid), "the cancelled hook is gone", TimeSpan.FromSeconds(5));
    }

    private Task<string?> RunAsync(IReadOnlyList<string> hook, TimeSpan? timeout = null, RoleGrant? grant = null) =>
        _runner.RunAsync(hook, "activate", grant ?? Grant(7), "web", timeout ?? Ample, TestContext.Current.CancellationToken);

    private static string[] Shell(string script, params string[] arguments) => ["/bin/sh", "-c", script, "sh", .. arguments];

    private static RoleGrant Grant(long epoch) => new()
    {
        GroupId = Orders,
        GroupName = "orders",
        Epoch = epoch,
        LeaseMs = 3000,
        Terms = new Shared.Roles.RoleTerms { Version = 1 },
    };

    private List<int> ReadPids()
    {
        var file = _folder.File("hook.pid");
        try
        {
            return [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];
        }
        catch (FileNotFoundException)
        {
            return [];
        }
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

    /// <summary>A hook's shell names the test's folder; its sleep is "sleep 30". A pid taken over by another process is left alone.</summary>
    private bool IsOurs(int pid)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Contains(_folder.Path, StringComparison.Ordinal) || commandLine == "sleep\030\0";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void KillQuietly(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
